import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// One open log file: where statusd is in it and the decoder that turns its bytes into lines.
///
/// It names its input twice: `input` (the name, stable across reloads, for checkpoints and status)
/// and `inputIndex` (the input's position in the config, which the sink counts by).
final class TailedFile {
    enum State: String {
        /// The file at a configured path.
        case reading
        /// Rotated away or replaced: read until it stops growing, then closed.
        case draining
    }

    var path: String
    let input: String
    /// The input's position in the configured inputs; remapped when a reload keeps the input.
    var inputIndex: Int
    let fd: Int32
    let identity: FileIdentity
    /// Bytes read and handed to the decoder.
    var offset: UInt64
    var decoder: FileDecoder
    var state: State = .reading
    /// When the file last grew (Unix seconds), for draining.
    var lastGrowth: Int64
    var lines: UInt64 = 0
    /// The first bytes' hash, grown as the file grows to 256 bytes.
    var fingerprint: Fingerprint = .empty

    init(path: String, input: String, inputIndex: Int, fd: Int32, identity: FileIdentity, offset: UInt64, decoder: FileDecoder, now: Int64) {
        self.path = path
        self.input = input
        self.inputIndex = inputIndex
        self.fd = fd
        self.identity = identity
        self.offset = offset
        self.decoder = decoder
        self.lastGrowth = now
    }

    static func open(path: String, input: String, inputIndex: Int, decoder: FileDecoder, atEnd: Bool, now: Int64, offset resume: UInt64? = nil) -> Result<TailedFile, Errno> {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(Errno(errno)) }
        guard let st = FileStat.fd(fd) else {
            let e = Errno(errno)
            Glibc.close(fd)
            return .failure(e)
        }
        let offset = resume ?? (atEnd ? UInt64(st.st_size) : 0)
        let f = TailedFile(path: path, input: input, inputIndex: inputIndex, fd: fd, identity: FileIdentity(st), offset: offset, decoder: decoder, now: now)
        f.fingerprint = Fingerprint.of(fd: fd) ?? .empty
        return .success(f)
    }

    /// The file's size now.
    var size: UInt64 { FileStat.fd(fd).map { UInt64($0.st_size) } ?? offset }

    /// Bytes written and not read yet (the whole file when it shrank below the offset).
    var bytesBehind: UInt64 {
        let size = size
        return size >= offset ? size - offset : size
    }

    /// `true` once the file has no name left (deleted).
    var isDeleted: Bool { (FileStat.fd(fd)?.st_nlink ?? 0) == 0 }

    func closeFile() { Glibc.close(fd) }

    /// The offset of the first byte not yet counted: never inside a line.
    var committedOffset: UInt64 { offset - UInt64(decoder.pendingBytes) }

    var checkpoint: FileCheckpoint {
        FileCheckpoint(input: input, path: path, device: identity.device, inode: identity.inode,
                       offset: committedOffset, fingerprint: fingerprint)
    }

    var report: FileReport {
        FileReport(path: path, state: state.rawValue, offset: offset, size: size, detectedFormat: decoder.detectedFormat?.rawValue,
                   detectedShape: decoder.detectedShape)
    }
}

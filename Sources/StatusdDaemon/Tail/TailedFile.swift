import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// One open log file: where statusd is in it and the decoder that turns its bytes into lines.
///
/// It names its input twice: `input` (the name, stable across reloads, for checkpoints and status)
/// and `inputIndex` (the input's position in the config, which the sink counts by).
///
/// Its descriptor may be closed while the file stays followed, with its offset, fingerprint and
/// held partial line kept: an idle file (`close_inactive`), or one that could not be opened yet
/// (the descriptor budget is spent, or `open` failed with EMFILE): `waitingSince` says so. It is
/// reopened by path and kept only if the path still holds the same device and inode (`reattach`).
final class TailedFile {
    /// Log files open now, process-wide: what the descriptor budget is checked against.
    nonisolated(unsafe) static var openCount = 0

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
    /// -1 while closed (idle or waiting).
    private(set) var fd: Int32
    let identity: FileIdentity
    /// When the file started waiting for a descriptor (Unix seconds), and why; nil when open or idle-closed.
    var waitingSince: Int64?
    var waitError: String?
    /// Bytes read and handed to the decoder.
    var offset: UInt64
    var decoder: FileDecoder
    var state: State = .reading
    /// When the file last grew (Unix seconds), for draining.
    var lastGrowth: Int64
    var lines: UInt64 = 0
    /// The first bytes' hash, grown as the file grows to 256 bytes.
    var fingerprint: Fingerprint = .empty
    /// A Kubernetes container log's pod, namespace and container, from the path it was opened at
    /// (kept when it is rotated away); nil for other files.
    let pod: PodLabels?

    init(path: String, input: String, inputIndex: Int, fd: Int32, identity: FileIdentity, offset: UInt64, decoder: FileDecoder, now: Int64) {
        self.path = path
        self.input = input
        self.inputIndex = inputIndex
        self.fd = fd
        self.identity = identity
        self.offset = offset
        self.decoder = decoder
        self.lastGrowth = now
        self.pod = PodLabels(path: path)
        if fd >= 0 { Self.openCount += 1 }
    }

    /// A file statusd follows but holds no descriptor for yet: it waits, from `offset`.
    static func waiting(path: String, input: String, inputIndex: Int, identity: FileIdentity, offset: UInt64,
                        fingerprint: Fingerprint, decoder: FileDecoder, now: Int64, error: String) -> TailedFile {
        let f = TailedFile(path: path, input: input, inputIndex: inputIndex, fd: -1, identity: identity, offset: offset, decoder: decoder, now: now)
        f.fingerprint = fingerprint
        f.waitingSince = now
        f.waitError = error
        return f
    }

    var isOpen: Bool { fd >= 0 }

    /// Takes `fd`, opened at `path` and checked to be this file.
    func attach(_ fd: Int32) {
        precondition(self.fd < 0)
        self.fd = fd
        Self.openCount += 1
        waitingSince = nil
        waitError = nil
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

    /// The file's size now (while closed: of the file at its path, if that is still this file).
    var size: UInt64 {
        if fd >= 0 { return FileStat.fd(fd).map { UInt64($0.st_size) } ?? offset }
        if case .success(let st) = FileStat.path(path), FileIdentity(st) == identity { return UInt64(st.st_size) }
        return offset
    }

    /// Bytes written and not read yet (the whole file when it shrank below the offset).
    var bytesBehind: UInt64 {
        let size = size
        return size >= offset ? size - offset : size
    }

    /// `true` once the file has no name left (deleted).
    var isDeleted: Bool { fd >= 0 && (FileStat.fd(fd)?.st_nlink ?? 0) == 0 }

    func closeFile() {
        guard fd >= 0 else { return }
        // A rotated file is found again where it is now (its path is the one it was rotated from).
        if state == .draining, let now = Self.currentPath(fd) { path = now }
        Glibc.close(fd)
        fd = -1
        Self.openCount -= 1
    }

    /// The offset of the first byte not yet counted: never inside a line.
    var committedOffset: UInt64 { offset - UInt64(decoder.pendingBytes) }

    var checkpoint: FileCheckpoint {
        FileCheckpoint(input: input, path: path, device: identity.device, inode: identity.inode,
                       offset: committedOffset, fingerprint: fingerprint)
    }

    /// Where `fd`'s file is now (nil once deleted).
    static func currentPath(_ fd: Int32) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.hasPrefix("/") && !path.hasSuffix(" (deleted)") ? path : nil
    }

    /// `reading` or `draining`; `waiting` when it cannot be opened yet, `idle` when closed by `close_inactive`.
    var report: FileReport {
        let shown = isOpen || state == .draining ? state.rawValue : waitingSince != nil ? "waiting" : "idle"
        return FileReport(path: path, state: shown, offset: offset, size: size, error: waitError, detectedFormat: decoder.detectedFormat?.rawValue,
                          detectedShape: decoder.detectedShape, wrapper: decoder.detectedWrapper?.rawValue)
    }

    /// `report` with where it stands and whose pod it is (status).
    var sourceReport: FileReport {
        var r = report
        r.source = pod == nil ? "file" : "kubernetes"
        r.position = "offset \(offset)"
        r.pod = pod?.pod
        r.namespace = pod?.namespace
        r.container = pod?.container
        return r
    }
}

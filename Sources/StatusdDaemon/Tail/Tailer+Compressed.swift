import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

extension Tailer {
    /// A file rotated while statusd was down and compressed before it came back (logrotate's
    /// `compress` without `delaycompress`, the kubelet's gzip of older rotations) has a new inode
    /// and a new name. It is found among the `.gz` files beside it named after it, newest first,
    /// by the fingerprint of its first bytes, and its unread end is inflated and read from the
    /// saved offset. Returns whether it was found.
    func resumeCompressed<S: LineSink>(_ cp: FileCheckpoint, input index: Int, in dirs: [String], names: [String],
                                       into sink: inout S, now: Int64) -> Bool {
        guard cp.fingerprint.length > 0 else { return false }
        var candidates: [(path: String, mtime: Int)] = []
        for dir in dirs {
            // (`listDirectory` leaves compressed names out: they are never followed.)
            for name in PathPattern.entryNames(dir) {
                let path = PathPattern.prefix(dir) + name
                guard name.hasSuffix(".gz"), names.contains(where: { name.hasPrefix($0 + ".") || name.hasPrefix($0 + "-") }),
                      case .success(let st) = FileStat.path(path), (st.st_mode & S_IFMT) == S_IFREG else { continue }
                candidates.append((path, Int(st.st_mtim.tv_sec)))
            }
        }
        for c in candidates.sorted(by: { $0.mtime > $1.mtime }).prefix(16) where readCompressed(c.path, cp, index, into: &sink, now: now) {
            return true
        }
        return false
    }

    /// Reads `path` inflated from `cp`'s offset when its first bytes are `cp`'s file's.
    private func readCompressed<S: LineSink>(_ path: String, _ cp: FileCheckpoint, _ index: Int, into sink: inout S, now: Int64) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let gz = try? GzipStream(fd: fd, path: path) else { return false }
        // The buffer is far larger than a fingerprint: the first read holds the bytes it covers.
        guard let first = try? gz.read(into: buffer), first >= cp.fingerprint.length,
              Fingerprint(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<cp.fingerprint.length])) == cp.fingerprint
        else { return false }
        let input = inputs[index].config
        var decoder = makeDecoder(input)
        var position: UInt64 = 0
        var n = first
        var read: UInt64 = 0
        sink.enterSource(PodLabels(path: path), input: index)
        logger.info("finishing \(path): rotated and compressed while statusd was down", metadata: ["offset": "\(cp.offset)"])
        while n > 0 {
            let end = position + UInt64(n)
            if end > cp.offset {
                let from = Int(cp.offset > position ? cp.offset - position : 0)
                decoder.decode(UnsafeRawBufferPointer(rebasing: buffer[from..<n]), input: index, arrival: now, into: &sink)
                read += UInt64(n - from)
            }
            position = end
            do {
                n = try gz.read(into: buffer)
            } catch {
                // Cut while it was compressed (a full disk, a crash): what could be inflated is counted.
                logger.warning("\(path) ends inside a compressed member; the rest of it cannot be read", metadata: ["input": "\(input.name)"])
                break
            }
        }
        if position < cp.offset {
            logger.warning("\(path) is shorter than where statusd was in it; nothing of it was read", metadata: ["input": "\(input.name)"])
        }
        decoder.flush(input: index, arrival: now, into: &sink)
        bytesRead &+= read
        generation &+= 1
        return true
    }
}

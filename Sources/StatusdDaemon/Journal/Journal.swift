import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Sends structured entries to systemd-journald with `sd_journal_sendv`.
///
/// `sd_journal_send` is variadic and Swift cannot call it; `sendv` takes an array of
/// `FIELD=value` iovecs, multi-line values included. Field names must be `[A-Z0-9_]` and not start
/// with `_`, or journald drops them silently: `fieldName(_:)` makes names safe.
package enum Journal {
    /// Sends one entry; `false` when no journald is listening (the caller falls back to stderr).
    @discardableResult
    package static func send(_ fields: [(String, String)]) -> Bool {
        sendv(fields) >= 0
    }

    /// Sends one entry; `sd_journal_sendv`'s result: 0, or a negative errno (`-ECONNREFUSED` when
    /// journald is not running).
    package static func sendv(_ fields: [(String, String)]) -> Int32 {
        let encoded = fields.map { Array("\($0.0)=\($0.1)".utf8) }
        let total = encoded.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 1)
        defer { buffer.deallocate() }
        var iov: [iovec] = []
        iov.reserveCapacity(encoded.count)
        var offset = 0
        for field in encoded {
            let start = buffer.baseAddress! + offset
            field.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            iov.append(iovec(iov_base: start, iov_len: field.count))
            offset += field.count
        }
        return sd_journal_sendv(&iov, Int32(iov.count))
    }

    /// Where journald listens.
    package static let socketPath = "/run/systemd/journal/socket"

    /// `true` when journald's socket is there.
    package static var isAvailable: Bool {
        access(socketPath, F_OK) == 0
    }

    /// `true` when stderr is already connected to the journal (systemd sets `JOURNAL_STREAM`).
    package static var stderrIsJournal: Bool {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }

    /// An upper-case journald field name: `rule` becomes `RULE`, `a.b-c` becomes `A_B_C`.
    package static func fieldName(_ key: String) -> String {
        var out = String(key.uppercased().map { ($0.isLetter && $0.isASCII) || ($0.isNumber && $0.isASCII) ? $0 : "_" })
        while out.hasPrefix("_") { out.removeFirst() }
        if out.isEmpty || out.first!.isNumber { out = "F" + out }
        return String(out.prefix(64))
    }
}


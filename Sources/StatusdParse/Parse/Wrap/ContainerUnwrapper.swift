/// Takes the runtime's envelope off each physical line of a container log and joins the parts of a
/// line the runtime split, so the input's format sees the line the server wrote.
///
/// Per stream, because stdout and stderr parts interleave. A joined line is capped at the input's
/// `max_line_bytes` (then it is one `unparsed` line, as an over-long plain line would be). Joined
/// parts live only in memory: a restart between the parts of one split line reads its last part
/// alone, which is one `unparsed` line; nothing is counted twice.
public struct ContainerUnwrapper: Sendable {
    /// What a physical line was.
    public enum Outcome: Equatable, Sendable {
        /// A whole line: handed to the body.
        case line
        /// A part of a split line, held until its last part.
        case held
        /// Not the runtime's envelope (or the joined line went over the cap): one unparsed line.
        case unreadable
    }

    /// `auto` until a file's first line decides.
    public private(set) var wrapper: ContainerWrapper
    let maxLineBytes: Int
    private var stdoutJoin = Join(), stderrJoin = Join()
    private var scratch: [UInt8] = []
    /// Lines made of more than one part.
    public private(set) var joinedLines: UInt64 = 0

    private struct Join {
        var bytes: [UInt8] = []
        var open = false
        var over = false
    }

    public init(_ wrapper: ContainerWrapper, maxLineBytes: Int) {
        self.wrapper = wrapper
        self.maxLineBytes = max(64, maxLineBytes)
    }

    /// Reads one physical line (without its newline). For a whole line, calls `body` with the line
    /// inside, its stream, and the runtime's time (RFC 3339 bytes), all valid during the call only.
    @inline(__always)
    public mutating func unwrap(_ line: UnsafeRawBufferPointer,
                                _ body: (UnsafeRawBufferPointer, ContainerStream, UnsafeRawBufferPointer) -> Void) -> Outcome {
        switch wrapper {
        case .none:
            body(line, .stdout, UnsafeRawBufferPointer(start: nil, count: 0))
            return .line
        case .cri: return cri(line, body)
        case .docker: return docker(line, body)
        case .auto:
            if CRIRecord.read(line) != nil { wrapper = .cri } else if DockerRecord.read(line) != nil { wrapper = .docker } else { wrapper = .none }
            return unwrap(line, body)
        }
    }

    /// A split stdout line is waiting for its next part.
    var stdoutOpen: Bool { stdoutJoin.open }

    /// Forgets held parts (the file was truncated or replaced).
    public mutating func reset() {
        stdoutJoin = Join()
        stderrJoin = Join()
    }

    private typealias Body = (UnsafeRawBufferPointer, ContainerStream, UnsafeRawBufferPointer) -> Void

    private mutating func cri(_ line: UnsafeRawBufferPointer, _ body: Body) -> Outcome {
        guard let r = CRIRecord.read(line) else { return .unreadable }
        let time = UnsafeRawBufferPointer(rebasing: line[0..<r.timeEnd])
        let content = UnsafeRawBufferPointer(rebasing: line[r.content...])
        if r.stream == .stdout {
            return Self.cri(r, content, time, &stdoutJoin, &joinedLines, maxLineBytes, body)
        }
        return Self.cri(r, content, time, &stderrJoin, &joinedLines, maxLineBytes, body)
    }

    private static func cri(_ r: CRIRecord, _ content: UnsafeRawBufferPointer, _ time: UnsafeRawBufferPointer,
                            _ join: inout Join, _ joined: inout UInt64, _ cap: Int, _ body: Body) -> Outcome {
        if !join.open, !r.partial {
            body(content, r.stream, time)  // the common case: no copy
            return .line
        }
        join.open = true
        if !join.over {
            if join.bytes.count + content.count > cap { join.over = true } else { join.bytes.append(contentsOf: content) }
        }
        if r.partial { return .held }
        return finish(&join, &joined, r.stream, time, body)
    }

    private mutating func docker(_ line: UnsafeRawBufferPointer, _ body: Body) -> Outcome {
        guard let r = DockerRecord.read(line) else { return .unreadable }
        let time = r.time.map { UnsafeRawBufferPointer(rebasing: line[$0]) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        if r.stream == .stdout {
            return Self.docker(r, line, time, &stdoutJoin, &scratch, &joinedLines, maxLineBytes, body)
        }
        return Self.docker(r, line, time, &stderrJoin, &scratch, &joinedLines, maxLineBytes, body)
    }

    private static func docker(_ r: DockerRecord, _ line: UnsafeRawBufferPointer, _ time: UnsafeRawBufferPointer,
                               _ join: inout Join, _ scratch: inout [UInt8], _ joined: inout UInt64, _ cap: Int,
                               _ body: Body) -> Outcome {
        if !join.open, !r.partial {
            guard r.escaped else {
                body(UnsafeRawBufferPointer(rebasing: line[r.log]), r.stream, time)  // no escapes: no copy
                return .line
            }
            scratch.removeAll(keepingCapacity: true)
            guard DockerRecord.unescape(line, r.log, into: &scratch, limit: cap) else { return .unreadable }
            scratch.withUnsafeBytes { body($0, r.stream, time) }
            return .line
        }
        join.open = true
        if !join.over, !DockerRecord.unescape(line, r.log, into: &join.bytes, limit: cap) { join.over = true }
        if r.partial { return .held }
        return finish(&join, &joined, r.stream, time, body)
    }

    private static func finish(_ join: inout Join, _ joined: inout UInt64, _ stream: ContainerStream,
                               _ time: UnsafeRawBufferPointer, _ body: Body) -> Outcome {
        defer {
            join.bytes.removeAll(keepingCapacity: true)
            join.open = false
            join.over = false
        }
        joined += 1
        if join.over { return .unreadable }
        join.bytes.withUnsafeBytes { body($0, stream, time) }
        return .line
    }
}

import StatusdCore

/// The syslog listener as one of the pipeline's sources: its sockets are polled (a datagram is
/// taken as it comes), and it has no position to resume from (`SourcePosition`).
extension SyslogReader: LogSource {
    var kind: SourceKind { .syslog }

    func configure(_ inputs: [InputConfig], into sink: inout Monitor, now: Int64) {
        configure(inputs, now: now)
    }

    func read(into sink: inout Monitor, now: Int64) {
        receive(into: &sink, now: now)
    }

    /// Also binds again the sockets that could not be bound (`receive` does).
    func tick(into sink: inout Monitor, now: Int64, fullScan: Bool) {
        receive(into: &sink, now: now)
    }

    var pollDescriptors: [Int32] { descriptors }

    /// A full receive buffer drops datagrams: they are read at once, never left to gather.
    var keepsUnread: Bool { false }

    var bytesBehind: UInt64 { 0 }

    /// Each address that cannot be bound (tried again every 10 s), with the inputs that listen on
    /// it: what is sent there meanwhile is lost.
    var unreadable: [(subject: String, detail: String)] {
        sockets.compactMap { s in
            guard s.fd < 0, let why = s.problem else { return nil }
            let inputs = routes.filter { $0.selection.listen == s.listen }.map(\.input)
            return ("syslog \(s.listen)", "cannot listen: \(why); datagrams sent to it are lost (input\(inputs.count == 1 ? "" : "s") \(inputs.joined(separator: ", ")))")
        }
    }

    /// None: nothing keeps a datagram statusd did not receive.
    var position: SourcePosition { .none }

    /// Nothing to take back: what was sent while statusd was down is lost (README, `check`).
    func restore(_ position: SourcePosition, seenInputs: Set<String>, savedAt: Int64) {}

    /// Closes the sockets (a unix socket's file is removed).
    func shutDown() { close() }
}

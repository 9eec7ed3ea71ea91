import StatusdCore

/// The silences `statusd silence` manages over the status socket (`SilenceRoutes`): those in
/// force, one added, one removed; each change saved before it is answered.
public protocol SilenceAdmin: Sendable {
    func activeSilences() -> [Silence]
    func addSilence(_ request: SilenceRequest) throws(Pipeline.SilenceFailure) -> Silence
    func removeSilence(id: String) throws(Pipeline.SilenceFailure) -> Silence?
}

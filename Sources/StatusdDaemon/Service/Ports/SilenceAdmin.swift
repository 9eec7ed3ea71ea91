import StatusdCore

/// The silences `statusd silence` manages over the status socket (`SilenceRoutes`): those in
/// force, one added, one removed; each change saved before it is answered.
package protocol SilenceAdmin: Sendable {
    func activeSilences() -> [Silence]
    func addSilence(_ request: SilenceRequest) throws(SilenceFailure) -> Silence
    func removeSilence(id: String) throws(SilenceFailure) -> Silence?
}

/// Why a silence request failed: the request (400) or the state directory (500).
package enum SilenceFailure: Error, CustomStringConvertible {
    case refused(SilenceError)
    case notSaved(String)

    package var description: String {
        switch self {
        case .refused(let e): return e.description
        case .notSaved(let why): return "the silence could not be saved: \(why)"
        }
    }
}

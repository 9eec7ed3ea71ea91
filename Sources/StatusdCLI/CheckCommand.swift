import ArgumentParser
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a config: exit 0, or print every error as FILE:LINE:COLUMN: message and exit 1.",
        discussion: "Sinks are checked too: url_file and secret_file must be readable, url_env and secret_env set (a warning "
            + "when only the environment is missing: the service may set it). URLs and secrets are never printed.")

    @Option(name: .shortAndLong, help: "The config file.")
    var config: String = StatusdConfig.defaultPath

    func run() throws {
        switch ConfigFile.load(config) {
        case .success(let c):
            var errors: [ConfigError] = []
            var warnings: [String] = c.warnings.map(\.description)
            // Everything printed passes through one redactor that knows every secret read.
            var redactor = SecretRedactor(c.inlineSecrets)
            var resolutionErrors: [ConfigError] = []
            switch SinkSecrets.resolve(c.sinks) {
            case .failure(let e): resolutionErrors += e.errors
            case .success(let resolved):
                redactor.add(resolved.flatMap { [$0.url.secretValue] + $0.urls.map(\.secretValue) + ($0.secret.map { [$0] } ?? []) })
                redactor.add(resolved.compactMap(\.credential))
            }
            if let m = c.metrics {
                switch MetricsAccessFactory.resolve(m) {
                case .failure(let e): resolutionErrors += e.errors
                case .success(let r): if let cred = r.credential { redactor.add([cred]) }
                }
            }
            // A variable missing from this shell may well be set in the service's environment.
            for err in resolutionErrors {
                if err.message.contains("environment variable") && err.message.contains("is not set") {
                    warnings.append("\(err) (set it in the service's environment)")
                } else {
                    errors.append(err)
                }
            }
            if (c.sinks.contains(where: \.hasInlineSecret) || !(c.metrics?.inlineSecrets.isEmpty ?? true)), let mode = Self.mode(config), mode & 0o077 != 0 {
                warnings.append("\(config): holds a webhook URL, secret, password or token inline but can be read by others (mode \(String(mode & 0o777, radix: 8))); "
                    + "chmod 600 it, or use url_file / url_env / secret_file / secret_env (password_file, bearer_token_file for metrics)")
            }
            for (path, place, what) in Self.secretFiles(c) {
                if let mode = Self.mode(path), mode & 0o077 != 0 {
                    warnings.append("\(place.file):\(place.line):\(place.column): \(what) \(path) can be read by others (mode \(String(mode & 0o777, radix: 8))); chmod 600 it (owned by the user statusd runs as)")
                }
            }
            for s in c.sinks {
                if s.type == .email, s.service.tls == .none, let host = s.service.smtpHost, !ServiceSinkCheck.isLoopback(host) {
                    warnings.append("\(s.place.file):\(s.place.line):\(s.place.column): sink `\(s.name)` sends mail without TLS to \(host) (`tls: none`)")
                }
                if s.type != .email, let url = SinkURL(Self.inlineURL(s) ?? ""), url.scheme == "http", !url.isLoopback {
                    warnings.append("\(s.urlPlace.file):\(s.urlPlace.line):\(s.urlPlace.column): sink `\(s.name)` posts over plain http to \(url.host): its URL and the alerts travel unencrypted")
                }
            }
            let clean: (String) -> String = { SafeText.field(redactor.redact($0)) }
            for w in warnings { print("warning: " + clean(w)) }
            if !errors.isEmpty {
                for e in errors { print(clean(e.description)) }
                throw ExitCode(1)
            }
            var line = "\(config): ok, \(c.inputs.count) inputs, \(c.rules.count) rules"
            if !c.maintenance.isEmpty { line += ", \(c.maintenance.count) maintenance window\(c.maintenance.count == 1 ? "" : "s")" }
            if !c.sinks.isEmpty {
                line += ", \(c.sinks.count) sinks (" + c.sinks.map { "\($0.name): \($0.type.rawValue)" }.joined(separator: ", ") + ")"
                // The daemon's routing (SinkRoutes); journald, which gets every alert, is printed first as such.
                let routes = SinkRoutes(config: c)
                let always = Set(routes.sinks.filter(\.always).map(\.name))
                for r in c.rules {
                    let to = routes.plan(rule: r.name, severity: r.severity).filter { !always.contains($0.sink) }.map { s in
                        // Escalation (`after:`): named with its delay.
                        s.after > 0 ? "\(s.sink) after \(DurationText.format(s.after))" : s.sink
                    }
                    line += "\n  rule \(r.name) [\(r.severity.rawValue)] → journald" + (to.isEmpty ? "" : ", " + to.joined(separator: ", "))
                }
            }
            // Sources that are not files, and what they cannot do.
            for input in c.inputs {
                if let sys = input.syslog {
                    line += "\n  input \(input.name): \(sys.description); syslog keeps nothing for a listener that is down: "
                        + "lines sent while statusd is stopped or restarting are lost (a file or journald input loses none)"
                }
                if let j = input.journal { line += "\n  input \(input.name): journald entries \(j.description), resumed at the saved cursor" }
                if let k = input.kubernetes { line += Self.kubernetesLines(input.name, k) }
            }
            print(SafeText.lines(redactor.redact(line)))
        case .failure(let errors):
            // The loader quotes no secret and redacts any it finds; each error is one line.
            for e in errors.errors { print(SafeText.field(e.description)) }
            throw ExitCode(1)
        }
    }

    /// Files that hold secrets: each sink's `url_file` and `secret_file`, the metrics password or token file.
    static func secretFiles(_ c: StatusdConfig) -> [(String, ConfigPlace, String)] {
        var out: [(String, ConfigPlace, String)] = []
        for s in c.sinks {
            for u in s.allURLs { if case .file(let p) = u { out.append((p, s.urlPlace, "sink `\(s.name)`'s url_file")) } }
            if case .file(let p) = s.secret { out.append((p, s.secretPlace ?? s.place, "sink `\(s.name)`'s secret_file")) }
            if case .file(let p) = s.service.credential, let key = s.type.credentialKey {
                out.append((p, s.service.credentialPlace ?? s.place, "sink `\(s.name)`'s \(key)_file"))
            }
        }
        if let m = c.metrics, case .file(let p) = m.credential {
            out.append((p, m.secretPlace ?? m.listenPlace ?? ConfigPlace(file: "-", line: 1, column: 1),
                        m.basicAuth != nil ? "metrics password_file" : "metrics bearer_token_file"))
        }
        return out
    }

    /// What a `kubernetes:` input matches in the kubelet's directory now: each pod's container log.
    static func kubernetesLines(_ name: String, _ k: KubernetesSelection) -> String {
        var out = "\n  input \(name): kubernetes \(k.description) in \(k.directory)"
        let (found, error) = KubernetesFiles.matching(k)
        if let error {
            out += ": cannot read \(k.directory) now (\(error)); pods are followed once it can be read"
        } else if found.isEmpty {
            out += ": no container log matches now; pods are followed as they appear"
        } else {
            out += ": \(found.count) container log\(found.count == 1 ? "" : "s") now"
            for m in found.prefix(20) {
                out += "\n    pod \(m.labels.namespace)/\(m.labels.pod) container \(m.labels.container): \(m.path)"
            }
            if found.count > 20 { out += "\n    … and \(found.count - 20) more" }
        }
        return out
    }

    static func inlineURL(_ s: SinkConfig) -> String? {
        if case .inline(let u) = s.url { return u }
        return nil
    }

    static func mode(_ path: String) -> UInt32? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt32(st.st_mode)
    }
}

import StatusdParse
import StatusdEngine
import Yams

/// Reads a YAML config into `StatusdConfig`, collecting every error with its file, line and column.
///
/// It walks Yams' node tree rather than decoding: Codable errors carry no line numbers, and an
/// operator fixing a config at 3 a.m. needs all the problems at once, each with its place.
/// This file holds the top level and the checks across sections (names); each section has its
/// own `ConfigLoader+Section.swift`, and `ConfigReader` does the node walking for all of them.
public struct ConfigLoader {
    public let file: String
    var reader: ConfigReader
    /// Problems that do not stop the config from working (`StatusdConfig.warnings`).
    var warnings: [ConfigError] = []
    /// The TZif bytes of a zone by name (`maintenance` time zones); nil: zones are not checked.
    var zones: (@Sendable (String) -> [UInt8]?)?

    public init(file: String) {
        self.file = file
        reader = ConfigReader(file: file)
    }

    public static func load(yaml: String, file: String) -> Result<StatusdConfig, ConfigErrors> {
        var loader = ConfigLoader(file: file)
        return loader.load(yaml)
    }

    /// Loads with time zones read through `zones` (the daemon and `statusd check` pass one that
    /// reads /usr/share/zoneinfo), so an unknown `timezone` is an error at its place.
    public static func load(yaml: String, file: String, zones: @escaping @Sendable (String) -> [UInt8]?) -> Result<StatusdConfig, ConfigErrors> {
        var loader = ConfigLoader(file: file)
        loader.zones = zones
        return loader.load(yaml)
    }

    mutating func load(_ yaml: String) -> Result<StatusdConfig, ConfigErrors> {
        let root: Node?
        do {
            let parsed = try Self.composeFindingDuplicates(yaml)
            root = parsed.root
            if !parsed.duplicates.isEmpty {
                // Each repeat at its own place, by the key's name only: never the file's text.
                let errors = parsed.duplicates.map {
                    ConfigError(file: file, line: $0.line, column: $0.column,
                                message: "key `\(SafeText.field($0.name))` is written twice in the same mapping (first at line \($0.firstLine)): keep one")
                }
                return .failure(ConfigErrors(errors: redacted(errors, root)))
            }
        } catch let error as YamlError {
            return .failure(ConfigErrors(errors: [reader.syntaxError(error)]))
        } catch let error as DuplicateKeysUnmarked {
            let names = error.names.map { "`\(SafeText.field($0))`" }.joined(separator: ", ")
            return .failure(ConfigErrors(errors: [ConfigError(file: file, line: error.line, column: error.column,
                                                              message: "keys written twice in one mapping: \(names)")]))
        } catch {
            return .failure(ConfigErrors(errors: [ConfigError(file: file, line: 1, column: 1, message: "the config could not be read as YAML")]))
        }
        var config = StatusdConfig()
        guard let root else {
            reader.fail("the config is empty: it needs `inputs` and `rules`")
            return .failure(ConfigErrors(errors: reader.errors))
        }
        guard let top = reader.mapping(root, "the top level") else { return .failure(ConfigErrors(errors: reader.errors)) }
        var sawInputs = false, sawRules = false
        for (key, value) in top {
            switch key.string ?? "" {
            case "inputs":
                sawInputs = true
                config.inputs = reader.sequence(value, "inputs").compactMap { input($0) }
            case "rules":
                sawRules = true
                config.rules = reader.sequence(value, "rules").compactMap { rule($0) }
            case "status":
                status(value, into: &config)
            case "metrics":
                metrics(value, into: &config)
            case "health":
                health(value, into: &config)
            case "maintenance":
                config.maintenance = maintenance(value)
            case "sinks":
                config.sinks = sinks(value)
            case "state_dir":
                config.stateDir = reader.path(value, "state_dir") ?? config.stateDir
            case "host":
                config.host = host(value)
            case "log_level":
                config.logLevel = reader.choice(value, "log_level", ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? config.logLevel
            default:
                reader.unknownKey(key, in: "the top level", known: ["inputs", "rules", "sinks", "status", "metrics", "state_dir", "log_level", "host", "health", "maintenance"])
            }
        }
        if !sawInputs { reader.fail(root, "`inputs` is missing: name at least one log to watch") }
        if !sawRules { reader.fail(root, "`rules` is missing: name at least one rule") }
        checkNames(config, top)
        checkSinks(config, top)
        checkMaintenance(config, top)
        checkInputPaths(config, top)
        checkPodGrouping(config, top)
        checkExposure(config)
        if reader.errors.isEmpty {
            config.warnings = warnings.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            return .success(config)
        }
        let errors = reader.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        return .failure(ConfigErrors(errors: redacted(errors, root)))
    }

    /// Input and rule names are unique, and rules only watch inputs that exist.
    private mutating func checkNames(_ config: StatusdConfig, _ top: Node.Mapping) {
        var seen = Set<String>()
        let inputNodes = top["inputs"]?.sequence.map { Array($0) } ?? []
        for (i, input) in config.inputs.enumerated() where !seen.insert(input.name).inserted {
            reader.fail(inputNodes.indices.contains(i) ? inputNodes[i] : top["inputs"]!, "input name `\(input.name)` is used twice")
        }
        var ruleNames = Set<String>()
        let ruleNodes = top["rules"]?.sequence.map { Array($0) } ?? []
        for (i, rule) in config.rules.enumerated() {
            let node = ruleNodes.indices.contains(i) ? ruleNodes[i] : top["rules"]!
            if !ruleNames.insert(rule.name).inserted { reader.fail(node, "rule name `\(rule.name)` is used twice") }
            for input in rule.inputs where !seen.contains(input) {
                reader.fail(node.mapping?["inputs"] ?? node, "rule `\(rule.name)` watches input `\(input)`, which no input defines")
            }
        }
        checkInhibits(config, ruleNodes)
    }
}

extension ConfigLoader {
    /// A metrics listener others can reach: the metrics name inputs, rules, sinks, hosts and paths.
    mutating func checkExposure(_ config: StatusdConfig) {
        guard let m = config.metrics, !m.isLoopback, m.allow.isEmpty else { return }
        let at = m.listenPlace ?? ConfigPlace(file: file, line: 1, column: 1)
        let hasAuth = m.credential != nil
        let auth = hasAuth
            ? "; its password or token travels unencrypted over plain http"
            : " and anyone who can reach it can read them"
        warnings.append(at.error("`metrics.listen` \(SafeText.field(m.listen)) is not loopback: the metrics name inputs, rules, sinks, hosts and paths\(auth); "
            + "listen on 127.0.0.1 behind a proxy, or set `metrics.allow` (CIDR ranges)\(hasAuth ? "" : " and `basic_auth` or `bearer_token`")"))
    }
}

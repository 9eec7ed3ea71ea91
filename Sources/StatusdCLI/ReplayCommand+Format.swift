import Foundation
import StatusdCore

extension Replay {
    /// How one file is read: its format, the options of the input it belongs to, its line limit.
    ///
    /// `--format regex` has no pattern of its own: it takes the `pattern:` of a config input,
    /// the one whose path matches the file, else the only one there is. Without one the replay
    /// stops with what to add, rather than counting every line as unparsed (or, as it once did,
    /// reading the file as combined).
    struct FilePlan {
        var format: LogFormat
        var options: FormatOptions
        var maxLineBytes: Int
    }

    /// Why a file cannot be read as asked; printed as is, without the usage text.
    struct FormatProblem: Error, CustomStringConvertible {
        var description: String
    }

    static func plan(_ path: String, forced: LogFormat?, config: StatusdConfig?) throws -> FilePlan {
        let input = config?.inputs.first { matches(path, $0.paths) }
        let format = forced ?? input?.format ?? .auto
        var options = input?.formatOptions ?? FormatOptions()
        if format == .regex, options.pattern == nil {
            let patterned = config?.inputs.filter { $0.format == .regex && $0.formatOptions.pattern != nil } ?? []
            guard patterned.count == 1 else { throw regexWithoutPattern(path, several: patterned.count > 1) }
            options = patterned[0].formatOptions
        }
        if [.nginx, .apache, .haproxy].contains(format), options.template == nil {
            // `--format nginx|apache|haproxy`: the `log_format` of the only config input of that format.
            let compiled = config?.inputs.filter { $0.format == format && $0.formatOptions.template != nil } ?? []
            if compiled.count == 1 {
                options.template = compiled[0].formatOptions.template
            } else if format == .nginx {
                options.template = try? NginxFormat.compile(NginxFormat.combined)
            } else if format == .apache {
                throw FormatProblem(description: """
                    `--format apache` needs the `LogFormat` for \(path): add \(compiled.count > 1 ? "it to the `path` of the input whose `log_format` reads it" : "a config input with `format: apache` and `log_format: '...'`") and pass the config with `--config`
                    """)
            }
        }
        return FilePlan(format: format, options: options, maxLineBytes: input?.maxLineBytes ?? 64 * 1024)
    }

    private static func regexWithoutPattern(_ path: String, several: Bool) -> FormatProblem {
        let example = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if several {
            return FormatProblem(description: """
                `--format regex` needs a pattern for \(path): it matches the path of no `format: regex` input \
                in the config, and there are several to choose from. Add \(example) to the `path` of the input \
                whose `pattern` reads it.
                """)
        }
        return FormatProblem(description: """
            `--format regex` needs a pattern, and no config input has one. Add an input with \
            `format: regex` and `pattern: '...(?<status>\\d{3})...'` (optionally `(?<time>...)`) to a config \
            and pass it with `--config`, for example:
              inputs:
                - {name: app, path: \(example), format: regex, pattern: 'status=(?<status>\\d{3})'}
            """)
    }
}

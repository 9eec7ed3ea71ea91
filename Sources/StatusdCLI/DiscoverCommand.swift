import ArgumentParser
import Foundation
import StatusdCore

/// `statusd discover`: asks the web servers on this host which access logs they write, in which
/// format, and prints (or installs) a statusd config for them. The reading of the servers' config
/// text is the core's (StatusdCore/Discover); this is the shell: it runs the servers' own dump
/// commands and reads the files they include.
struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a statusd config for the access logs this host's nginx, Apache and HAProxy write.",
        discussion: "nginx: `nginx -T` (its whole config as it loads it); Apache: `apache2ctl -t -D DUMP_RUN_CFG` and its "
            + "config tree with /etc/apache2/envvars; HAProxy: `haproxy -c -f` and its config, with rsyslog's rule for where "
            + "its lines go. Logs that are not files (syslog, pipes, TCP frontends) are listed as comments saying why.")

    @Option(help: "nginx's main config file, when it is not /etc/nginx/nginx.conf.")
    var nginxConfig: String?
    @Option(help: "Apache's main config file, when it is not /etc/apache2/apache2.conf.")
    var apacheConfig: String?
    @Option(help: "HAProxy's config file, when it is not /etc/haproxy/haproxy.cfg.")
    var haproxyConfig: String?
    @Flag(help: "Read the config files directly: run none of `nginx -T`, `apache2ctl`, `haproxy -c`.")
    var noExec = false
    @Flag(help: "Install the config at /etc/statusd/statusd.yaml (or --output) if no file is there, or in place of the package's unedited one (kept as .shipped); never overwrites an edited file.")
    var write = false
    @Option(help: "Where --write installs the config (implies --write).")
    var output: String?

    func run() throws {
        var findings: [DiscoveredLog] = []
        var sources: [String] = []
        nginx(&findings, &sources)
        apache(&findings, &sources)
        haproxy(&findings, &sources)
        if sources.isEmpty { sources.append("no nginx, Apache or HAProxy config found") }
        let text = DiscoveredConfig.yaml(findings, sources: sources)
        guard write || output != nil else {
            print(text, terminator: "")
            return
        }
        let path = output ?? StatusdConfig.defaultPath
        var keptAs: String?
        if FileManager.default.fileExists(atPath: path), Self.isPackageDefault(path) {
            // The package's own config, never edited: the host owner has not chosen anything yet,
            // so the discovered one takes its place. The shipped one is kept beside it.
            let shipped = path + ".shipped"
            try? FileManager.default.removeItem(atPath: shipped)
            try FileManager.default.moveItem(atPath: path, toPath: shipped)
            keptAs = shipped
        }
        if FileManager.default.fileExists(atPath: path) {
            FileHandle.standardError.write(Data(("statusd discover: \(path) exists and is not overwritten. See the difference with "
                + "`statusd discover | diff -u \(path) -`, or write elsewhere with --output PATH and check it with "
                + "`statusd check --config PATH`.\n").utf8))
            throw ExitCode(1)
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            FileHandle.standardError.write(Data("statusd discover: cannot write \(path)\n".utf8))
            throw ExitCode(1)
        }
        print("statusd discover: wrote \(path) (\(findings.filter { $0.path != nil && $0.format != .none }.count) logs); "
            + (keptAs.map { "the package's unedited config is kept as \($0); " } ?? "")
            + "check it with `statusd check --config \(path)`")
    }

    // MARK: nginx

    func nginx(_ findings: inout [DiscoveredLog], _ sources: inout [String]) {
        let main = nginxConfig ?? "/etc/nginx/nginx.conf"
        if let given = nginxConfig, !FileManager.default.fileExists(atPath: given) {
            sources.append("nginx: \(given) does not exist: nginx not read")
            return
        }
        let confDir = (main as NSString).deletingLastPathComponent
        if !noExec, let bin = Self.which("nginx", ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) {
            let args = nginxConfig.map { ["-T", "-q", "-c", $0] } ?? ["-T", "-q"]
            let r = Self.run(bin, args)
            let files = NginxConfig.splitDump(r.out)
            if r.status == 0, !files.isEmpty {
                // The dump names the main file first.
                let first = r.out.split(separator: "\n").first { $0.hasPrefix("# configuration file ") }
                    .map { String($0.dropFirst("# configuration file ".count).dropLast()) } ?? main
                let directives = NginxConfig.parse(path: first, files: .inMemory(files), confDir: (first as NSString).deletingLastPathComponent)
                findings += NginxDiscovery.discover(directives)
                sources.append("nginx: `\(bin) \(args.joined(separator: " "))` (\(files.count) files)")
                return
            }
            sources.append("nginx: `\(bin) \(args.joined(separator: " "))` failed (exit \(r.status): \(Self.firstLine(r.err))); read \(main) directly")
        } else if !FileManager.default.fileExists(atPath: main) {
            return
        } else {
            sources.append("nginx: " + (noExec ? "" : "not installed here; ") + "read \(main) and its includes")
        }
        let directives = NginxConfig.parse(path: main, files: Self.disk, confDir: confDir)
        findings += NginxDiscovery.discover(directives)
    }

    // MARK: Apache

    func apache(_ findings: inout [DiscoveredLog], _ sources: inout [String]) {
        let main = apacheConfig ?? "/etc/apache2/apache2.conf"
        guard FileManager.default.fileExists(atPath: main) else {
            if let given = apacheConfig { sources.append("apache: \(given) does not exist: Apache not read") }
            return
        }
        let dir = (main as NSString).deletingLastPathComponent
        var env = ProcessInfo.processInfo.environment
        let envFile = dir + "/envvars"
        if let text = try? String(contentsOfFile: envFile, encoding: .utf8) {
            env.merge(ApacheDiscovery.envvars(text)) { _, new in new }
        }
        var serverRoot = dir
        var how = "read \(main) and its includes"
        // Debian's apache2ctl for the packaged tree; apache2 -f for another file (the same dump).
        let tool: (bin: String, args: [String], name: String)? = apacheConfig == nil
            ? Self.which("apache2ctl", ["/usr/sbin/apache2ctl"]).map { ($0, ["-t", "-D", "DUMP_RUN_CFG"], "apache2ctl -t -D DUMP_RUN_CFG") }
            : Self.which("apache2", ["/usr/sbin/apache2"]).map { ($0, ["-f", main, "-t", "-D", "DUMP_RUN_CFG"], "apache2 -f \(main) -t -D DUMP_RUN_CFG") }
        if !noExec, let tool {
            let r = Self.run(tool.bin, tool.args, environment: env)
            for line in (r.out + "\n" + r.err).split(separator: "\n") where line.hasPrefix("ServerRoot: ") {
                serverRoot = line.dropFirst("ServerRoot: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            }
            how = "`\(tool.name)`" + (r.status == 0 ? "" : " says it is NOT valid: \(Self.firstLine(r.err.isEmpty ? r.out : r.err))") + "; " + how
        }
        if FileManager.default.fileExists(atPath: envFile) { how += ", \(envFile)" }
        sources.append("apache: " + how)
        findings += ApacheDiscovery.discover(mainPath: main, files: Self.disk, serverRoot: serverRoot, env: env)
    }

    // MARK: HAProxy

    func haproxy(_ findings: inout [DiscoveredLog], _ sources: inout [String]) {
        let main = haproxyConfig ?? "/etc/haproxy/haproxy.cfg"
        guard let text = try? String(contentsOfFile: main, encoding: .utf8) else {
            if let given = haproxyConfig { sources.append("haproxy: \(given) cannot be read: HAProxy not read") }
            return
        }
        var how = "read \(main)"
        if !noExec, let bin = Self.which("haproxy", ["/usr/sbin/haproxy"]) {
            let r = Self.run(bin, ["-c", "-f", main])
            how += r.status == 0 ? " (`haproxy -c -f`: valid)" : " (`haproxy -c -f` says it is NOT valid: \(Self.firstLine(r.err.isEmpty ? r.out : r.err)))"
        }
        var syslogFile: String?
        let rsyslog = ["/etc/rsyslog.conf"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/etc/rsyslog.d"))?.sorted().map { "/etc/rsyslog.d/" + $0 } ?? [])
        for f in rsyslog {
            if let t = try? String(contentsOfFile: f, encoding: .utf8), let file = HAProxyDiscovery.rsyslogFile(t) {
                syslogFile = file
                how += "; rsyslog writes its lines to \(file) (\(f))"
                break
            }
        }
        sources.append("haproxy: " + how)
        findings += HAProxyDiscovery.discover(text, file: main, syslogFile: syslogFile)
    }

    // MARK: helpers

    /// Include patterns resolved on disk: a glob in any component, a directory read whole (Apache).
    static let disk = ConfigFiles(load: loadDisk)

    static func loadDisk(_ pattern: String) -> [(path: String, text: String)] {
        var isDir: ObjCBool = false
        if !GlobMatch.hasMagic(pattern) {
            if FileManager.default.fileExists(atPath: pattern, isDirectory: &isDir), isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: pattern))?.sorted() ?? []
                return names.flatMap { loadDisk(pattern + "/" + $0) }
            }
            guard let t = try? String(contentsOfFile: pattern, encoding: .utf8) else { return [] }
            return [(pattern, t)]
        }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [(path: String, text: String)] = []
        for k in 0..<Int(g.gl_pathc) {
            guard let c = g.gl_pathv[k], case let p = String(cString: c), let t = try? String(contentsOfFile: p, encoding: .utf8) else { continue }
            out.append((p, t))
        }
        return out
    }

    /// Whether `path` is the package's conffile exactly as shipped: dpkg records its MD5, and an
    /// owner who edited it (or a file that is not the package's) makes the digests differ.
    static func isPackageDefault(_ path: String) -> Bool {
        guard path == StatusdConfig.defaultPath,
              let dpkg = which("dpkg-query", ["/usr/bin/dpkg-query"]),
              let md5 = which("md5sum", ["/usr/bin/md5sum"]) else { return false }
        let recorded = run(dpkg, ["-W", "-f=${Conffiles}", "statusd"])
        guard recorded.status == 0,
              let line = recorded.out.split(separator: "\n").first(where: { $0.split(separator: " ").first.map(String.init) == path }),
              let shippedSum = line.split(separator: " ").dropFirst().first.map(String.init) else { return false }
        let actual = run(md5, [path])
        guard actual.status == 0, let sum = actual.out.split(separator: " ").first.map(String.init) else { return false }
        return sum == shippedSum
    }

    static func which(_ name: String, _ candidates: [String]) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        return (candidates + path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ bin: String, _ args: [String], environment: [String: String]? = nil) -> (status: Int32, out: String, err: String) {
        let p = Process()
        if let environment { p.environment = environment }
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (127, "", "\(error)") }
        // The dump comes on stdout; stderr holds a line or two (`-q`), read after it.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// The first alert or error line of a tool's output (else its first line), one line, cleaned.
    static func firstLine(_ s: String) -> String {
        let lines = s.split(separator: "\n")
        return String(lines.first { $0.contains("ALERT") || $0.contains("emerg") || $0.lowercased().contains("error") } ?? lines.first ?? "").prefix(200).map { $0.isASCII && $0.asciiValue! < 0x20 ? " " : String($0) }.joined()
    }
}

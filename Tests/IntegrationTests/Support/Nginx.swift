import Foundation

/// A real nginx on 127.0.0.1 writing its access log into a test folder, stopped by its PID.
final class Nginx {
    let process = Process()
    let port: Int
    let accessLog: String

    static var binary: String? { Proc.which("nginx", "/usr/sbin/nginx") }

    /// `vhosts`: one `server_name` each (the first the default server), and a log whose lines start
    /// with `$host:$server_port`, as Apache's vhost_combined.
    /// `syslogTag`: nginx also sends each access line to journald's syslog socket with this tag
    /// (`access_log syslog:server=unix:...`), beside the file.
    init(dir: TempDir, vhosts: [String] = [], syslogTag: String? = nil) throws {
        guard let bin = Self.binary else { throw CocoaError(.executableNotLoadable) }
        port = try Self.freePort()
        accessLog = dir.file("nginx-access.log")
        let conf = dir.file("nginx.conf")
        let d = dir.path
        let locations = """
                location /ok { return 200 "ok\\n"; }
                location /unavailable { return 503; }
                location /down { proxy_pass http://127.0.0.1:1; }
                location /drop { return 444; }
        """
        let servers = vhosts.isEmpty ? "server {\n listen 127.0.0.1:\(port);\n\(locations)\n}" : vhosts.enumerated().map { k, name in
            "server {\n listen 127.0.0.1:\(port)\(k == 0 ? " default_server" : "");\n server_name \(name);\n\(locations)\n}"
        }.joined(separator: "\n")
        let logFormat = vhosts.isEmpty ? "combined" : "vhost"
        try """
        daemon off;
        master_process on;
        worker_processes 1;
        pid \(d)/nginx.pid;
        error_log \(d)/nginx-error.log warn;
        user root;
        events { worker_connections 256; }
        http {
            log_format vhost '$host:$server_port $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
            access_log \(accessLog) \(logFormat);
            \(syslogTag.map { "access_log syslog:server=unix:/run/systemd/journal/dev-log,tag=\($0),nohostname \(logFormat);" } ?? "")
            client_body_temp_path \(d)/client_body;
            proxy_temp_path \(d)/proxy;
            fastcgi_temp_path \(d)/fastcgi;
            uwsgi_temp_path \(d)/uwsgi;
            scgi_temp_path \(d)/scgi;
            \(servers)
        }
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["-c", conf, "-p", d]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = Proc.waitFor(10) { (try? Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/ok"], timeout: 5).status) == 0 }
    }

    /// Requests `path` `count` times in one curl run (URL globbing), bounded in time.
    func hit(_ path: String, count: Int, host: String? = nil) throws {
        let header = host.map { ["-H", "Host: \($0)"] } ?? []
        _ = try Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "--max-time", "60"] + header + ["http://127.0.0.1:\(port)\(path)?n=[1-\(count)]"], timeout: 90)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        if !Proc.waitFor(10, { !process.isRunning }) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// Counts of a log's lines by class, read independently of statusd (the 9th field).
enum LogTruth {
    static func classes(_ path: String) throws -> [String: Int] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 8, let first = fields[8].first else { continue }
            out["\(first)xx", default: 0] += 1
        }
        return out
    }
}

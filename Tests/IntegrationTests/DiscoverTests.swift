import Foundation
import Testing

/// `statusd discover` against the real servers' own config tools: `nginx -T`, `haproxy -c`, and
/// Apache's config tree; the config it prints names the right files and formats, and `statusd
/// check` accepts it, stock and custom formats alike.
@Suite("discover with real servers", .serialized)
struct DiscoverIntegrationTests {
    static func discover(_ args: [String]) throws -> Proc.Output {
        try Proc.run(StatusdProcess.binary, ["discover"] + args, timeout: 60)
    }

    static func nginxConf(_ dir: TempDir, http: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dir.file("sites"), withIntermediateDirectories: true)
        try dir.write("nginx.conf", """
        pid \(dir.path)/nginx.pid;
        error_log \(dir.path)/error.log;
        events { worker_connections 16; }
        http {
        \(http)
            include sites/*.conf;
        }
        """)
        return dir.file("nginx.conf")
    }

    @Test("nginx -T: stock combined at http level, a server's own log; the config passes statusd check")
    func nginxStock() throws {
        guard Nginx.binary != nil else { Issue.record("nginx is not installed (scripts/test.sh installs nginx-light)"); return }
        let dir = try TempDir("discover-nginx")
        let conf = try Self.nginxConf(dir, http: "    access_log \(dir.path)/main.log;\n    log_format same '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"';")
        try dir.write("sites/a.conf", """
        server {
            listen 127.0.0.1:1;
            access_log \(dir.path)/a.log same;
            location /quiet { access_log off; }
            location /sys { access_log syslog:server=unix:/dev/log; }
        }
        server { listen 127.0.0.1:2; }
        """)
        let out = try Self.discover(["--nginx-config", conf, "--apache-config", "/nonexistent/a.conf", "--haproxy-config", "/nonexistent/h.cfg"])
        #expect(out.status == 0, "\(out.stderr)")
        let yaml = out.stdout
        #expect(yaml.contains("nginx: `"), "it says it ran nginx -T")
        #expect(yaml.contains("-T -q -c \(conf)"))
        #expect(yaml.contains("path: '\(dir.path)/a.log'\n    format: combined\n"))
        #expect(yaml.contains("path: '\(dir.path)/main.log'\n    format: combined\n"))
        #expect(yaml.contains("goes to syslog (`syslog:server=unix:/dev/log`)"))
        try dir.write("statusd.yaml", yaml)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("ok, 2 inputs"))
        // --output installs it once, and never overwrites.
        let target = dir.file("etc/statusd.yaml")
        #expect(try Self.discover(["--nginx-config", conf, "--apache-config", "/nonexistent/a.conf", "--haproxy-config", "/nonexistent/h.cfg", "--output", target]).status == 0)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == yaml)
        let again = try Self.discover(["--nginx-config", conf, "--apache-config", "/nonexistent/a.conf", "--haproxy-config", "/nonexistent/h.cfg", "--output", target])
        #expect(again.status != 0 && again.stderr.contains("exists and is not overwritten"))
    }

    @Test("nginx -T: custom log_formats ($host and $upstream_status first, an X-Forwarded-For list before the time, escape=json); the config passes statusd check")
    func nginxCustom() throws {
        guard Nginx.binary != nil else { Issue.record("nginx is not installed (scripts/test.sh installs nginx-light)"); return }
        let dir = try TempDir("discover-nginx-custom")
        let conf = try Self.nginxConf(dir, http: #"""
            log_format upstream '$host $upstream_status $remote_addr [$time_local] '
                                '"$request" $status $body_bytes_sent $request_time';
            log_format xff '"$http_x_forwarded_for" $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';
            log_format json escape=json '{"time":"$time_iso8601","host":"$host","status":$status}';
        """#)
        try dir.write("sites/a.conf", """
        server {
            listen 127.0.0.1:1;
            access_log \(dir.path)/upstream.log upstream;
            location /x { access_log \(dir.path)/xff.log xff; }
            location /j { access_log \(dir.path)/json.log json buffer=4k; }
        }
        """)
        let out = try Self.discover(["--nginx-config", conf, "--apache-config", "/nonexistent/a.conf", "--haproxy-config", "/nonexistent/h.cfg"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("""
            path: '\(dir.path)/upstream.log'
            format: nginx
            log_format: '$host $upstream_status $remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time'
        """))
        #expect(out.stdout.contains("""
            path: '\(dir.path)/xff.log'
            format: nginx
            log_format: '"$http_x_forwarded_for" $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'
        """))
        #expect(out.stdout.contains("""
            path: '\(dir.path)/json.log'
            format: nginx
            log_format: 'escape=json {"time":"$time_iso8601","host":"$host","status":$status}'
        """))
        // The custom formats as written compile: statusd check accepts the whole config.
        try dir.write("statusd.yaml", out.stdout)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
        #expect(check.status == 0 && check.stdout.contains("ok, 3 inputs"), "\(check.stdout)\(check.stderr)")
        // Without nginx -T (--no-exec, as on a host without the nginx binary): the files and their
        // includes read from disk give the same inputs.
        let direct = try Self.discover(["--no-exec", "--nginx-config", conf, "--apache-config", "/nonexistent/a.conf", "--haproxy-config", "/nonexistent/h.cfg"])
        #expect(direct.stdout.contains("nginx: read \(conf) and its includes"))
        let inputs = { (s: String) in s.split(separator: "\n").drop { !$0.hasPrefix("inputs:") } }
        #expect(inputs(direct.stdout) == inputs(out.stdout))
    }

    @Test("HAProxy: haproxy -c validates; the HTTP frontend is an input through rsyslog's file, the TCP one a comment")
    func haproxy() throws {
        guard Proc.which("haproxy") != nil else { Issue.record("haproxy is not installed (scripts/test.sh installs it)"); return }
        let dir = try TempDir("discover-haproxy")
        try dir.write("haproxy.cfg", """
        global
            log /dev/log local0
        defaults
            log global
            mode http
            option httplog
            timeout connect 5s
            timeout client 5s
            timeout server 5s
        frontend www
            bind 127.0.0.1:18081
            default_backend web
        frontend db
            mode tcp
            option tcplog
            bind 127.0.0.1:18082
            default_backend pg
        backend web
            server w1 127.0.0.1:1
        backend pg
            mode tcp
            server p1 127.0.0.1:2
        """ + "\n")
        let out = try Self.discover(["--haproxy-config", dir.file("haproxy.cfg"), "--nginx-config", dir.file("none.conf"), "--apache-config", dir.file("none.conf")])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("(`haproxy -c -f`: valid)"))
        #expect(out.stdout.contains("frontend `db`: TCP mode (`option tcplog`)"))
        // An invalid config is said so, with HAProxy's own first alert.
        try dir.write("bad.cfg", "frontend x\n    bind 127.0.0.1:0\n")
        let bad = try Self.discover(["--haproxy-config", dir.file("bad.cfg"), "--nginx-config", dir.file("none.conf"), "--apache-config", dir.file("none.conf")])
        #expect(bad.stdout.contains("says it is NOT valid: [ALERT]"))
        if FileManager.default.fileExists(atPath: "/etc/rsyslog.d/49-haproxy.conf") {
            #expect(out.stdout.contains("  - name: haproxy\n    path: '/var/log/haproxy.log'\n    format: haproxy\n"))
            try dir.write("statusd.yaml", out.stdout)
            let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
            #expect(check.status == 0, "\(check.stdout)")
        } else {
            #expect(out.stdout.contains("no syslog rule writing HAProxy's lines to a file was found"))
        }
    }

    @Test("Apache: LogFormat nicknames, a custom LogFormat, ${VAR} from envvars, includes; the config passes statusd check")
    func apache() throws {
        let dir = try TempDir("discover-apache")
        try FileManager.default.createDirectory(atPath: dir.file("sites-enabled"), withIntermediateDirectories: true)
        try dir.write("envvars", "export APACHE_LOG_DIR=\(dir.path)/logs$SUFFIX\n")
        try FileManager.default.createDirectory(atPath: dir.file("logs"), withIntermediateDirectories: true)
        let mpm = "/usr/lib/apache2/modules/mod_mpm_event.so"
        try dir.write("apache2.conf", """
        ServerRoot "\(dir.path)"
        \(FileManager.default.fileExists(atPath: mpm) ? "LoadModule mpm_event_module \(mpm)" : "")
        PidFile \(dir.path)/apache.pid
        ErrorLog \(dir.path)/logs/error.log
        LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
        LogFormat "%v %h %t \\"%r\\" %>s %D \\"%{X-Forwarded-For}i\\"" timed
        CustomLog ${APACHE_LOG_DIR}/access.log combined
        IncludeOptional sites-enabled/*.conf
        """)
        try dir.write("sites-enabled/b.conf", """
        <VirtualHost *:80>
            CustomLog ${APACHE_LOG_DIR}/timed.log timed
        </VirtualHost>
        <VirtualHost *:81>
        </VirtualHost>
        """)
        let out = try Self.discover(["--apache-config", dir.file("apache2.conf"), "--nginx-config", dir.file("none.conf"), "--haproxy-config", dir.file("none.cfg")])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("path: '\(dir.path)/logs/access.log'\n    format: combined\n"))
        if Proc.which("apache2") != nil {
            // The real apache2 read the same file and found it valid.
            #expect(out.stdout.contains("apache: `apache2 -f \(dir.file("apache2.conf")) -t -D DUMP_RUN_CFG`; read"), "\(out.stdout.prefix(900))")
        }
        #expect(out.stdout.contains("path: '\(dir.path)/logs/timed.log'\n    format: apache\n    log_format: '%v %h %t \"%r\" %>s %D \"%{X-Forwarded-For}i\"'\n"))
        // The custom LogFormat as written compiles: statusd check accepts the whole config.
        try dir.write("custom.yaml", out.stdout)
        let custom = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("custom.yaml")])
        #expect(custom.status == 0 && custom.stdout.contains("ok, 2 inputs"), "\(custom.stdout)\(custom.stderr)")
        // Stock only: statusd check accepts it.
        try dir.write("sites-enabled/b.conf", "")
        let stock = try Self.discover(["--apache-config", dir.file("apache2.conf"), "--nginx-config", dir.file("none.conf"), "--haproxy-config", dir.file("none.cfg")])
        try dir.write("statusd.yaml", stock.stdout)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
        #expect(check.status == 0 && check.stdout.contains("ok, 1 inputs"), "\(check.stdout)")
    }
}

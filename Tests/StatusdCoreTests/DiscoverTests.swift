import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `statusd discover`'s reading of server configs: what a server's own config says it writes.
@Suite("discover")
struct DiscoverTests {
    static func nginx(_ files: [String: String], main: String = "/etc/nginx/nginx.conf") -> [DiscoveredLog] {
        NginxDiscovery.discover(NginxConfig.parse(path: main, files: .inMemory(files), confDir: "/etc/nginx"))
    }

    @Test("nginx: multi-line log_format of several strings, includes, server-level access_log over http-level, off")
    func nginxInheritance() {
        let main = """
        user www-data;
        events { worker_connections 768; }
        http {
            include mime.types;
            # a comment with access_log /nowhere.log;
            log_format upstream '$host $upstream_status [$time_local] '
                                '"$request" $status $body_bytes_sent '   # second part
                                "\\"$http_user_agent\\" $request_time";
            access_log /var/log/nginx/access.log;
            include /etc/nginx/sites-enabled/*;
        }
        """
        let site = """
        server {
            listen 80;
            access_log /var/log/nginx/shop.log upstream buffer=32k flush=5s;
            location /static/ { access_log off; }
            location /api/ {
                access_log /var/log/nginx/api.log upstream if=$loggable;
                access_log /var/log/nginx/api-all.log;
            }
        }
        """
        let other = "server { listen 8080; location / { return 200; } }\n"
        let logs = Self.nginx(["/etc/nginx/nginx.conf": main, "/etc/nginx/mime.types": "types { text/html html; }\n",
                               "/etc/nginx/sites-enabled/shop": site, "/etc/nginx/sites-enabled/zz-other": other])
        let custom = DiscoveredFormat.custom(kind: "nginx", logFormat: #"$host $upstream_status [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time"#)
        #expect(logs.map(\.path) == ["/var/log/nginx/shop.log", "/var/log/nginx/api.log", "/var/log/nginx/api-all.log", "/var/log/nginx/access.log"])
        #expect(logs.map(\.format) == [custom, custom, .stock(.combined), .stock(.combined)])
        #expect(logs[0].origin == "/etc/nginx/sites-enabled/shop:3")
        #expect(logs[1].note?.contains("$loggable") == true)
    }

    @Test("nginx: no access_log anywhere is nginx's default file in combined; escape=json kept; syslog is a note")
    func nginxDefaultsJSONSyslog() {
        let none = Self.nginx(["/etc/nginx/nginx.conf": "http { server { listen 80; } }"])
        #expect(none == [DiscoveredLog(server: "nginx", path: "/var/log/nginx/access.log", format: .stock(.combined), origin: "/etc/nginx/nginx.conf:1")])
        let conf = #"""
        http {
          log_format json escape=json '{"time":"$time_iso8601",'
              '"status":$status,"host":"$host"}';
          server {
            access_log /var/log/nginx/json.log json;
            access_log syslog:server=unix:/dev/log,tag=nginx combined;
          }
        }
        stream { server { listen 9000; access_log /var/log/nginx/stream.log; proxy_pass 127.0.0.1:1; } }
        """#
        let logs = Self.nginx(["/etc/nginx/nginx.conf": conf])
        #expect(logs.count == 3)
        #expect(logs[0].format == .custom(kind: "nginx", logFormat: #"escape=json {"time":"$time_iso8601","status":$status,"host":"$host"}"#))
        #expect(logs[1].path == nil && logs[1].note?.contains("syslog") == true && logs[1].note?.contains("planned") == true)
        #expect(logs[2].path == nil && logs[2].note?.contains("stream") == true)
        let yaml = DiscoveredConfig.yaml(logs, sources: ["nginx: test"])
        #expect(yaml.contains("""
          - name: nginx-json
            path: '/var/log/nginx/json.log'
            format: nginx
            log_format: 'escape=json {"time":"$time_iso8601","status":$status,"host":"$host"}'
        """))
        #expect(yaml.contains("  # - nginx /etc/nginx/nginx.conf:6: goes to syslog (`syslog:server=unix:/dev/log,tag=nginx`)"))
    }

    @Test("nginx: the `nginx -T` dump is split into its files, and its includes resolve against them")
    func nginxDump() {
        let dump = """
        # configuration file /etc/nginx/nginx.conf:
        http {
            log_format xff '"$http_x_forwarded_for" $remote_addr [$time_local] "$request" $status';
            include /etc/nginx/conf.d/*.conf;
        }

        # configuration file /etc/nginx/conf.d/a.conf:
        server { access_log /srv/log/a.log xff; }

        """
        let files = NginxConfig.splitDump(dump)
        #expect(Set(files.keys) == ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/a.conf"])
        let logs = NginxDiscovery.discover(NginxConfig.parse(path: "/etc/nginx/nginx.conf", files: .inMemory(files), confDir: "/etc/nginx"))
        #expect(logs == [DiscoveredLog(server: "nginx", path: "/srv/log/a.log",
                                       format: .custom(kind: "nginx", logFormat: #""$http_x_forwarded_for" $remote_addr [$time_local] "$request" $status"#),
                                       origin: "/etc/nginx/conf.d/a.conf:1")])
    }

    @Test("nginx: a log_format equal to the predefined combined is `format: combined`; a variable file name is a glob")
    func nginxStockAndGlob() {
        let conf = """
        http {
          log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                          '$status $body_bytes_sent "$http_referer" "$http_user_agent"';
          server { access_log /var/log/nginx/$host.access.log main; }
        }
        """
        let logs = Self.nginx(["/etc/nginx/nginx.conf": conf])
        #expect(logs.map(\.path) == ["/var/log/nginx/*.access.log"])
        #expect(logs[0].format == .stock(.combined))
    }

    static let debianApache = """
    ServerRoot "/etc/apache2"
    Include ports.conf
    LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined
    LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
    LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
    IncludeOptional conf-enabled/*.conf
    IncludeOptional sites-enabled/*.conf
    """

    @Test("apache: Debian's tree, ${APACHE_LOG_DIR} from envvars, a custom LogFormat, an inline format, a pipe")
    func apache() {
        let env = ApacheDiscovery.envvars("""
        unset HOME
        if [ "${APACHE_CONFDIR##/etc/apache2-}" != "${APACHE_CONFDIR}" ] ; then
            SUFFIX="-${APACHE_CONFDIR##/etc/apache2-}"
        else
            SUFFIX=
        fi
        export APACHE_RUN_USER=www-data
        export APACHE_LOG_DIR=/var/log/apache2$SUFFIX
        """)
        #expect(env["APACHE_LOG_DIR"] == "/var/log/apache2")
        let files: [String: String] = [
            "/etc/apache2/apache2.conf": Self.debianApache,
            "/etc/apache2/ports.conf": "Listen 80\n",
            "/etc/apache2/conf-enabled/other-vhosts-access-log.conf": """
            <IfModule log_config_module>
            \tCustomLog ${APACHE_LOG_DIR}/other_vhosts_access.log vhost_combined
            </IfModule>
            """,
            "/etc/apache2/sites-enabled/000-default.conf": """
            <VirtualHost *:80>
            \tLogFormat "%v %h %t \\"%r\\" %>s %D \\"%{X-Forwarded-For}i\\"" timed
            \tCustomLog ${APACHE_LOG_DIR}/access.log combined
            \tCustomLog ${APACHE_LOG_DIR}/timed.log timed
            \tCustomLog "${APACHE_LOG_DIR}/inline.log" "%h %t \\"%r\\" %s \\
            %b"
            \tCustomLog "|/usr/bin/rotatelogs /var/log/apache2/r.%Y 86400" common
            </VirtualHost>
            """,
        ]
        let logs = ApacheDiscovery.discover(mainPath: "/etc/apache2/apache2.conf", files: .inMemory(files), serverRoot: "/etc/apache2", env: env)
        #expect(logs.map(\.path) == ["/var/log/apache2/other_vhosts_access.log", "/var/log/apache2/access.log", "/var/log/apache2/timed.log", "/var/log/apache2/inline.log", nil])
        #expect(logs[0].format == .stock(.combined))
        #expect(logs[1].format == .stock(.combined))
        #expect(logs[2].format == .custom(kind: "apache", logFormat: #"%v %h %t "%r" %>s %D "%{X-Forwarded-For}i""#))
        #expect(logs[3].format == .custom(kind: "apache", logFormat: #"%h %t "%r" %s %b"#))
        #expect(logs[4].note?.contains("program") == true)
        #expect(logs[1].origin == "/etc/apache2/sites-enabled/000-default.conf:3")
        let yaml = DiscoveredConfig.yaml(logs, sources: [])
        #expect(yaml.contains("    format: apache\n    log_format: '%v %h %t \"%r\" %>s %D \"%{X-Forwarded-For}i\"'\n"))
    }

    static let haproxyCfg = """
    global
        log /dev/log local0
        log /dev/log local1 notice
    defaults
        log global
        mode http
        option httplog
        timeout client 50s
    frontend www
        bind :80
        default_backend web
    frontend api
        bind :8080
        log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r %hr"
        default_backend web
    frontend db
        mode tcp
        option tcplog
        bind :5432
        default_backend pg
    listen quiet
        bind :81
        no log
    backend web
        server w1 127.0.0.1:8000
    """

    @Test("haproxy: httplog and log-format frontends through rsyslog's file; TCP frontends left out with why")
    func haproxy() {
        let rsyslog = """
        # Create an additional socket in haproxy's chroot in order to allow logging via
        # /dev/log to chroot'ed HAProxy processes
        $AddUnixListenSocket /var/lib/haproxy/dev/log

        # Send HAProxy messages to a dedicated logfile
        :programname, startswith, "haproxy" {
          /var/log/haproxy.log
          stop
        }
        """
        #expect(HAProxyDiscovery.rsyslogFile(rsyslog) == "/var/log/haproxy.log")
        let logs = HAProxyDiscovery.discover(Self.haproxyCfg, file: "/etc/haproxy/haproxy.cfg", syslogFile: "/var/log/haproxy.log")
        #expect(logs.count == 4)
        #expect(logs[0].path == "/var/log/haproxy.log" && logs[0].format == .stock(.haproxy))
        #expect(logs[1].format == .custom(kind: "haproxy", logFormat: "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r %hr"))
        #expect(logs[2].path == nil && logs[2].note?.contains("TCP") == true)
        #expect(logs[3].path == nil && logs[3].note?.contains("logs nothing") == true)
        let yaml = DiscoveredConfig.yaml(logs, sources: [])
        // One file, two formats: one input, the conflict said.
        #expect(yaml.components(separatedBy: "path: '/var/log/haproxy.log'").count == 2)
        #expect(yaml.contains("in another format (format: haproxy, log_format: '%ci:%cp"))
        #expect(yaml.contains("frontend `db`: TCP mode (`option tcplog`)"))
        let stdout = HAProxyDiscovery.discover("global\n  log stdout format raw local0\ndefaults\n  log global\n  mode http\nfrontend w\n  option httplog\n",
                                              file: "h.cfg", syslogFile: "/var/log/haproxy.log")
        #expect(stdout.count == 1 && stdout[0].path == nil && stdout[0].note?.contains("logs to stdout, not to syslog") == true)
        let own = HAProxyDiscovery.discover("global\n  log stdout local0\ndefaults\n  log global\n  mode http\nfrontend w\n  log /dev/log local0\n  option httplog\n",
                                           file: "h.cfg", syslogFile: "/var/log/haproxy.log")
        #expect(own.first?.path == "/var/log/haproxy.log")
        let noFile = HAProxyDiscovery.discover(Self.haproxyCfg, file: "h.cfg", syslogFile: nil)
        #expect(noFile[0].path == nil && noFile[0].note?.contains("syslog") == true)
    }

    @Test("the generated config: duplicate paths across servers are one input, names unique, defaults as shipped")
    func generated() throws {
        let a = DiscoveredLog(server: "nginx", path: "/var/log/web/access.log", format: .stock(.combined), origin: "n:1")
        let b = DiscoveredLog(server: "apache", path: "/var/log/web/access.log", format: .stock(.combined), origin: "a:1")
        let c = DiscoveredLog(server: "apache", path: "/srv/access.log", format: .stock(.common), origin: "a:2")
        let yaml = DiscoveredConfig.yaml([a, b, c], sources: ["x"])
        #expect(yaml.components(separatedBy: "    path: ").count == 3)
        #expect(yaml.contains("  - name: nginx-access\n    path: '/var/log/web/access.log'\n    format: combined\n"))
        #expect(yaml.contains("  - name: apache-access\n    path: '/srv/access.log'\n    format: common\n"))
        #expect(yaml.contains("also apache a:1"))
        let shipped = try String(contentsOfFile: Fixtures.packageRoot + "/Config/statusd.yaml", encoding: .utf8)
        #expect(shipped.hasSuffix(DefaultConfigText.afterInputs), "DefaultConfigText is the shipped config's rules onwards")
        #expect(YAMLText.singleQuoted("it's") == "'it''s'")
        #expect(YAMLText.singleQuoted("a\tb") == #""a\tb""#)
    }

    @Test("glob matching for includes: * stays within a path component")
    func glob() {
        #expect(GlobMatch.matches("/etc/nginx/sites-enabled/*", "/etc/nginx/sites-enabled/default"))
        #expect(!GlobMatch.matches("/etc/nginx/sites-enabled/*", "/etc/nginx/sites-enabled/a/b"))
        #expect(GlobMatch.matches("/etc/apache2/mods-enabled/*.load", "/etc/apache2/mods-enabled/ssl.load"))
        #expect(!GlobMatch.matches("/etc/apache2/mods-enabled/*.load", "/etc/apache2/mods-enabled/ssl.conf"))
        #expect(GlobMatch.matches("/x/[a-c]?.conf", "/x/b1.conf"))
    }

    /// What discover writes as `log_format:` compiles, through the same compiler `statusd check`
    /// uses, to the format the server writes: a format that starts with a quote (common: Apache's
    /// `\"%{X-Forwarded-For}i\" %h ...`) is not mistaken for the pasted, quoted form.
    @Test("discovered custom formats compile to what the server writes, quotes first included")
    func discoveredFormatsCompile() throws {
        func compiled(_ f: DiscoveredFormat) throws -> FormatTemplate {
            guard case .custom(let kind, let text) = f else { Issue.record("not custom: \(f)"); throw FormatError("", at: 0) }
            switch kind {
            case "nginx": return try NginxFormat.compile(text)
            case "apache": return try ApacheFormat.compile(text)
            default: return try HAProxyFormat.compile(text)
            }
        }
        func status(_ t: FormatTemplate, _ line: String) -> ParseResult {
            var p = TemplateParser(t)
            return p.parse(line)
        }
        let t0: Int64 = 1_796_656_002
        let ok = ParseResult.entry(status: StatusCode(unchecked: 503), time: t0)
        // nginx: joined strings, escape= in front; one made only of quoted fields, with a `'` and a `\`.
        let main = #"""
        events { }
        http {
            log_format q escape=json '"$time_local" "$status"';
            log_format s '"$http_x_forwarded_for" [$time_local] '
                         '"$request" $status';
            log_format a '\'$remote_addr\' [$time_local] $status \\';
            access_log /l/q.log q;
            access_log /l/s.log s;
            access_log /l/a.log a;
        }
        """#
        let n = Self.nginx(["/etc/nginx/nginx.conf": main])
        let byPath = Dictionary(uniqueKeysWithValues: n.compactMap { l in l.path.map { ($0, l.format) } })
        #expect(status(try compiled(try #require(byPath["/l/q.log"])), #""07/Dec/2026:15:06:42 +0000" "503""#) == ok)
        #expect(status(try compiled(try #require(byPath["/l/s.log"])), #""1.2.3.4, 10.0.0.1" [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 503"#) == ok)
        #expect(status(try compiled(try #require(byPath["/l/a.log"])), #"'10.0.0.1' [07/Dec/2026:15:06:42 +0000] 503 \"#) == ok)
        // Apache: a LogFormat that starts with \"; and one as in the format tests' apache2.conf.
        let conf = #"""
        LogFormat "\"%{X-Forwarded-For}i\" %h %l %u %t \"%r\" %>s %b" xff
        LogFormat "%v:%p %h %t \"%r\" %>s %D" plain
        CustomLog /l/xff.log xff
        CustomLog /l/plain.log plain
        """#
        let a = ApacheDiscovery.discover(mainPath: "/etc/apache2/apache2.conf", files: .inMemory(["/etc/apache2/apache2.conf": conf]), serverRoot: "/etc/apache2", env: [:])
        let ap = Dictionary(uniqueKeysWithValues: a.compactMap { l in l.path.map { ($0, l.format) } })
        #expect(ap["/l/plain.log"] == .custom(kind: "apache", logFormat: #"%v:%p %h %t "%r" %>s %D"#), "bare where unambiguous")
        #expect(status(try compiled(try #require(ap["/l/xff.log"])), #""1.2.3.4" 10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 503 12"#) == ok)
        #expect(status(try compiled(try #require(ap["/l/plain.log"])), #"www.example:80 10.0.0.1 [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 503 1200"#) == ok)
        // HAProxy: a log-format that starts with an escaped quote.
        let h = HAProxyDiscovery.discover("""
        global
            log /dev/log local0
        defaults
            mode http
            log global
        frontend web
            log-format "\\"%ci\\" [%tr] %ST %{+Q}r"
            bind :80
        """, file: "/etc/haproxy/haproxy.cfg", syslogFile: "/var/log/haproxy.log")
        let hf = try #require(h.first?.format)
        #expect(status(try compiled(hf), #""10.0.0.1" [07/Dec/2026:15:06:42.000] 503 "GET / HTTP/1.1""#) == ok)
    }
}

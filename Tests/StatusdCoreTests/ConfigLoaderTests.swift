import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("config")
struct ConfigLoaderTests {
    @Test("the bundled configs load")
    func bundled() throws {
        for file in ["Config/statusd.yaml", "Config/examples/demo.yaml", "Config/examples/cdn-and-aborts.yaml"] {
            let text = try String(contentsOfFile: Fixtures.packageRoot + "/" + file, encoding: .utf8)
            let result = ConfigLoader.load(yaml: text, file: file)
            if case .failure(let e) = result { Issue.record("\(file): \(e)") }
        }
    }

    @Test("the issue's shape loads with its values")
    func shape() throws {
        let yaml = """
        inputs:
          - name: web
            path: /var/log/nginx/access.log
            format: combined
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 5%
            window: 5m
            min_requests: 100
            for: 1m
            severity: critical
          - name: origin-errors
            match: 52x
            rate_above: 1%
            window: 5m
          - name: client-aborts
            match: aborts
            rate_above: 10%
            window: 5m
        status:
          socket: /run/statusd/statusd.sock
        """
        let c = try ConfigLoader.load(yaml: yaml, file: "x.yaml").get()
        #expect(c.inputs.map(\.name) == ["web"])
        #expect(c.rules.count == 3)
        let r = c.rules[0]
        #expect(r.rateAbove == 0.05 && r.window == 300 && r.minRequests == 100 && r.forSeconds == 60 && r.severity == .critical)
        #expect(r.resolveBelow == 0.05)
        #expect(c.rules[2].match.codes.map(\.rawValue) == [0, 460, 499])
        #expect(c.statusSocket == "/run/statusd/statusd.sock")
    }

    @Test("every error is reported with file, line and column")
    func errors() {
        let yaml = """
        inputs:
          - name: web
            path: /var/log/a.log
            fromat: combined
        rules:
          - name: r
            match: 5xx
            rate_above: 5
            window: 5x
            severity: high
          - name: r
            match: [500, 6xx]
            rate_above: 5%
            inputs: [api]
        """
        guard case .failure(let e) = ConfigLoader.load(yaml: yaml, file: "/etc/statusd/statusd.yaml") else {
            Issue.record("should fail"); return
        }
        let text = e.errors.map(\.description)
        #expect(text.contains("/etc/statusd/statusd.yaml:4:5: unknown key `fromat` in an input (did you mean `format`?)"))
        #expect(text.contains("/etc/statusd/statusd.yaml:8:17: `rate_above` must be a percentage such as 5% or 0.5%, not `5`"))
        #expect(text.contains { $0.hasPrefix("/etc/statusd/statusd.yaml:9:13: `window`") })
        #expect(text.contains { $0.hasPrefix("/etc/statusd/statusd.yaml:10:15: `severity` must be one of critical, warning") })
        #expect(text.contains { $0.hasPrefix("/etc/statusd/statusd.yaml:12:18: `match` term `6xx`") })
        #expect(e.errors.map(\.line) == e.errors.map(\.line).sorted())
    }

    @Test("YAML syntax errors and wrong types name their place")
    func syntax() {
        guard case .failure(let e) = ConfigLoader.load(yaml: "inputs:\n  - name: [\n", file: "f.yaml") else {
            Issue.record("should fail"); return
        }
        #expect(e.errors.first?.line == 3)
        guard case .failure(let t) = ConfigLoader.load(yaml: "inputs: 5\nrules: []\n", file: "f.yaml") else {
            Issue.record("should fail"); return
        }
        #expect(t.errors.first?.description == "f.yaml:1:9: `inputs` must be a list")
    }

    @Test("names are unique and rules only watch inputs that exist")
    func names() {
        let yaml = "inputs:\n  - {name: a, path: /x}\n  - {name: a, path: /y}\nrules:\n  - {name: r, match: 5xx, rate_above: 1%, inputs: [b]}\n"
        guard case .failure(let e) = ConfigLoader.load(yaml: yaml, file: "f") else { Issue.record("should fail"); return }
        #expect(e.errors.contains { $0.message == "input name `a` is used twice" && $0.line == 3 })
        #expect(e.errors.contains { $0.message.contains("watches input `b`") && $0.line == 5 })
    }

    @Test("format options: JSON keys, regex pattern, prefix, lateness")
    func formatOptions() throws {
        let good = """
        inputs:
          - {name: cf, path: /var/log/cf/*.json, format: cloudflare, status_key: OriginResponseStatus}
          - {name: app, path: /var/log/app.json, format: json, status_key: [response.status, status], time_key: ts}
          - {name: custom, path: /var/log/custom.log, format: regex, pattern: 'status=(?<status>\\d{3})'}
          - {name: lb, path: /var/log/alb.log, format: alb, prefix: syslog, max_lateness: 10m}
        rules:
          - {name: r, match: 5xx, rate_above: 1%}
        """
        let c = try ConfigLoader.load(yaml: good, file: "f").get()
        #expect(c.inputs[0].formatOptions.statusKeys == ["OriginResponseStatus"])
        #expect(c.inputs[1].formatOptions.statusKeys == ["response.status", "status"])
        #expect(c.inputs[2].formatOptions.pattern == #"status=(?<status>\d{3})"#)
        #expect(c.inputs[3].formatOptions.prefix == .syslog && c.inputs[3].maxLatenessSeconds == 600)
        // The lateness lengthens the input's ring (the 5m window, 10m late, the two seconds the sums slide over).
        #expect(Monitor.ringSeconds(for: c.inputs[3], rules: c.rules) == 300 + 600 + 2)
        let bad = """
        inputs:
          - {name: a, path: /x, format: combined, status_key: status}
          - {name: b, path: /y, format: regex}
          - {name: c, path: /z, format: regex, pattern: 'status=(\\d+)'}
        rules:
          - {name: r, match: 5xx, rate_above: 1%}
        """
        guard case .failure(let e) = ConfigLoader.load(yaml: bad, file: "f") else { Issue.record("should fail"); return }
        #expect(e.errors.contains { $0.line == 2 && $0.message.contains("applies to JSON formats only") })
        #expect(e.errors.contains { $0.line == 3 && $0.message.contains("needs a `pattern`") })
        #expect(e.errors.contains { $0.line == 4 && $0.message.contains("named group") })
    }

    @Test("wrapper: cri, docker, auto; anything else names its line")
    func containerWrapper() throws {
        let good = """
        inputs:
          - {name: k8s, path: /var/log/containers/*.log, format: combined, wrapper: cri}
          - {name: docker, path: /var/lib/docker/containers/c0ffee/*-json.log, format: nginx-json, wrapper: docker}
          - {name: any, path: /var/log/x.log, wrapper: auto}
          - {name: plain, path: /var/log/y.log}
        rules:
          - {name: r, match: 5xx, rate_above: 1%}
        """
        let c = try ConfigLoader.load(yaml: good, file: "f").get()
        #expect(c.inputs.map(\.formatOptions.wrapper) == [.cri, .docker, .auto, ContainerWrapper.none])
        let bad = "inputs:\n  - {name: a, path: /x}\n  - {name: b, path: /y, wrapper: podman}\nrules:\n  - {name: r, match: 5xx, rate_above: 1%}\n"
        guard case .failure(let e) = ConfigLoader.load(yaml: bad, file: "f") else { Issue.record("should fail"); return }
        #expect(e.errors.contains { $0.line == 3 && $0.message.contains("wrapper") && $0.message.contains("cri") })
        let dirGlob = "inputs:\n  - {name: a, path: /x}\n  - {name: b, path: /var/lib/docker/containers/*/*-json.log}\nrules:\n  - {name: r, match: 5xx, rate_above: 1%}\n"
        guard case .failure(let g) = ConfigLoader.load(yaml: dirGlob, file: "f") else { Issue.record("a glob in a directory matches nothing: refuse it"); return }
        #expect(g.errors.contains { $0.line == 3 && $0.message.contains("glob in a directory") })
    }

    @Test("resolve_below may not be above rate_above")
    func hysteresisOrder() {
        let yaml = "inputs:\n  - {name: a, path: /x}\nrules:\n  - {name: r, match: 5xx, rate_above: 1%, resolve_below: 2%}\n"
        guard case .failure(let e) = ConfigLoader.load(yaml: yaml, file: "f") else { Issue.record("should fail"); return }
        #expect(e.errors.first?.message.contains("must not be above") == true)
    }
}

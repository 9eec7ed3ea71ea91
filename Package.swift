// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "statusd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "statusd", targets: ["statusd"]),
        .library(name: "StatusdCore", targets: ["StatusdCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The status socket and the metrics listener: SwiftNIO's HTTP/1 codec (already in the graph
        // through async-http-client) and the Prometheus exposition format.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // STARTTLS and implicit TLS of `email` sinks: already in the graph through async-http-client.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libsystemd (journald, sd_notify) through pkg-config; Debian: libsystemd-dev.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // zlib, for `statusd replay` of rotated .gz logs; Debian: zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Vectorised byte scanning for the parsers' hot paths (SSE2 on x86_64), as inline C.
        .target(name: "CScan"),
        // `statusd replay`'s mapped files: a file that shrinks while it is read is reported, not a
        // SIGBUS (a handler maps pages of newlines over the lost part), as inline C.
        .target(name: "CMapGuard"),
        // The pure core, in layers the compiler enforces: each target knows only the ones above it
        // in this list (README "Layout"). No I/O and no clock reads: time comes in as arguments.
        // Bytes to statuses: line assembly, the log formats' parsers, status classes, civil time,
        // text helpers, and the per-second tallies a one-pass read writes. No Yams, no Foundation:
        // Fuzz/run.sh compiles this target alone into the fuzzer.
        .target(
            name: "StatusdParse",
            dependencies: ["CScan"]
        ),
        // What happens to the statuses: windows, rules, alert states, the monitor, schedules,
        // health, the outbox, and the config model the monitor is built from (not its YAML reader).
        .target(
            name: "StatusdEngine",
            dependencies: ["StatusdParse"]
        ),
        // `statusd replay`: a session over the engine, and the split of a file across threads.
        .target(
            name: "StatusdReplay",
            dependencies: ["StatusdParse", "StatusdEngine"]
        ),
        // statusd.yaml to the config model (Yams).
        .target(
            name: "StatusdConfig",
            dependencies: ["StatusdParse", "StatusdEngine", .product(name: "Yams", package: "Yams")]
        ),
        // Text for people and peers: alert messages and chat/webhook/service payloads, e-mail, the
        // status report and its text, charts, metrics, discovery of servers' log setups, the
        // traffic generator.
        .target(
            name: "StatusdRender",
            dependencies: ["StatusdParse", "StatusdEngine"]
        ),
        // The umbrella: `import StatusdCore` is all of the above.
        .target(
            name: "StatusdCore",
            dependencies: ["StatusdParse", "StatusdEngine", "StatusdReplay", "StatusdConfig", "StatusdRender"]
        ),
        // Files below the daemon: the config file, plain and .gz logs read whole (replay), stderr,
        // TZif files, configured paths and globs matched in their directories (the tailer's and
        // `statusd check`'s). For the daemon and for the CLI's offline commands, which do not link
        // the daemon.
        .target(
            name: "StatusdFiles",
            dependencies: ["StatusdParse", "StatusdEngine", "StatusdConfig", "StatusdRender", "CZlib", "CMapGuard"]
        ),
        // What `statusd status` needs to ask the running daemon: the status socket's client, the
        // socket plumbing the server shares, and the status JSON. Nothing of the daemon itself.
        .target(
            name: "StatusdClient",
            dependencies: ["StatusdCore"]
        ),
        // The thin I/O shell: tailing, journald, systemd notify, status socket, service wiring.
        .target(
            name: "StatusdDaemon",
            dependencies: [
                "StatusdCore",
                "StatusdClient",
                "StatusdFiles",
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // Chat and webhook sinks: HTTPS with the system's CA store; HMAC for signatures.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The status socket and metrics listener (HTTP/1 on NIO event loops), and the
                // Prometheus registry the metrics are folded into at each scrape.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The commands that need nothing of the daemon: offline (check, replay, explain, discover,
        // gen, demo-traffic) and the status socket's clients (status, silence, ack). No dependency
        // on StatusdDaemon: the compiler keeps the daemon out of them.
        .target(
            name: "StatusdCLI",
            dependencies: [
                "StatusdCore",
                "StatusdClient",
                "StatusdFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The `statusd` executable: the command tree, and the commands that run the daemon's parts
        // (run, test-sink).
        .executableTarget(
            name: "statusd",
            dependencies: [
                "StatusdCore",
                "StatusdCLI",
                "StatusdFiles",
                "StatusdDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StatusdCoreTests",
            dependencies: ["StatusdCore", "StatusdParse", "StatusdEngine", "StatusdReplay", "StatusdConfig", "StatusdRender"]
        ),
        .testTarget(
            name: "StatusdDaemonTests",
            dependencies: ["StatusdDaemon", "StatusdFiles", "StatusdCore", "StatusdParse", "StatusdEngine", "StatusdReplay", "StatusdConfig", "StatusdRender",
                           // The services run in process under a test trigger of graceful shutdown.
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["StatusdCore"],
            exclude: ["Support/receiver.py", "Support/smtpd.py"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

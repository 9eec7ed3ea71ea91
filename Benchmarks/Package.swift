// swift-tools-version: 6.1
// The hot-path benchmarks (ordo-one/benchmark), a package of its own so that the main package and
// CI never build them:
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
//   Benchmarks/rule-eval.sh      (the 10 s against 6 h rule-evaluation pair and its ratio)
import PackageDescription

let package = Package(
    name: "StatusdBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "statusd", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "StatusdBenchmarks",
            dependencies: [
                .product(name: "StatusdCore", package: "statusd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StatusdBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

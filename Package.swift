// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets, one folder each under Sources/Fuzz/ (see scripts/fuzz.sh).
let fuzzTargets = ["FuzzIDX", "FuzzSample", "FuzzPNG", "FuzzModel", "FuzzModelStructured", "FuzzGolden", "FuzzTeach"]

let package = Package(
    name: "inkling",
    products: [
        .executable(name: "inkling", targets: ["inkling"]),
        .library(name: "InklingCore", targets: ["InklingCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libpng-dev, zlib1g-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Everything that computes: engine, data, model format, vision, golden values.
        .target(
            name: "InklingCore",
            dependencies: ["CBLAS", "CPNG", "CZlib"]
        ),
        // templates/ -> site/: page, model card, SVG charts.
        .target(
            name: "InklingSite",
            dependencies: ["InklingCore", "CZlib", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // The command-line tool: one file per subcommand.
        .executableTarget(
            name: "inkling",
            dependencies: ["InklingCore", "InklingSite", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Fuzzing (scripts/fuzz.sh, fuzz/README.md): the harnesses live in FuzzSupport so the
        // tests can replay the seed corpus and the regressions; one executable per libFuzzer
        // target. A plain build gives each a replay tool (FILE... through the harness); built
        // with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING` it is a libFuzzer binary.
        .target(name: "FuzzSupport", dependencies: ["InklingCore", "CZlib"], path: "Sources/Fuzz/Support"),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport"], path: "Sources/Fuzz/\(name)",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    } + [
        // Fixtures/ is read from the source tree (#filePath), not bundled.
        .testTarget(name: "InklingCoreTests", dependencies: ["InklingCore", "CPNG", "CZlib"], exclude: ["Fixtures"]),
        .testTarget(name: "InklingSiteTests", dependencies: ["InklingSite", "InklingCore"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzSupport", "InklingCore"]),
    ],
    swiftLanguageModes: [.v5]
)

// swift-tools-version:6.0
import PackageDescription

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
        // Fixtures/ is read from the source tree (#filePath), not bundled.
        .testTarget(name: "InklingCoreTests", dependencies: ["InklingCore", "CPNG", "CZlib"], exclude: ["Fixtures"]),
        .testTarget(name: "InklingSiteTests", dependencies: ["InklingSite", "InklingCore"]),
    ],
    swiftLanguageModes: [.v5]
)

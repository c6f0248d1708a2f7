import ArgumentParser

@main
struct Inkling: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inkling",
        abstract: "Train, check and ship a handwritten-digit recognizer that runs in any browser, offline.",
        discussion: """
        Typical flow: `inkling train` -> weights/model.json; `inkling evaluate --save`; `inkling golden`;
        `inkling build` -> site/. Open site/index.html from disk, or host site/ anywhere.
        """,
        subcommands: [Train.self, Evaluate.self, Info.self, Bench.self, Predict.self, Golden.self, Build.self]
    )
}

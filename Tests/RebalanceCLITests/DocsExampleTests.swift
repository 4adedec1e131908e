import Foundation
import Testing

import RebalanceTestSupport

/// The CSV examples in the README and docs/output.md are the binary's own output: each block
/// that starts `$ rebalance … --format orders|lots|csv` is run, and must print what it shows.
@Suite("Examples in the documentation")
struct DocsExampleTests {
    struct Example: Sendable, CustomStringConvertible {
        let file: String
        let command: [String]
        let shown: String
        var description: String { "\(file): \(command.joined(separator: " "))" }
    }

    static let examples: [Example] = ["README.md", "docs/output.md"].flatMap { file -> [Example] in
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)) ?? ""
        return text.components(separatedBy: "```console\n").dropFirst().compactMap { block -> Example? in
            guard let body = block.components(separatedBy: "\n```").first else { return nil }
            var lines = body.components(separatedBy: "\n")
            let first = lines.removeFirst()
            guard first.hasPrefix("$ rebalance "),
                ["--format orders", "--format lots", "--format csv"].contains(where: first.contains)
            else { return nil }
            let command = first.dropFirst("$ rebalance ".count).split(separator: " ").map(String.init)
            return Example(file: file, command: command, shown: lines.joined(separator: "\n"))
        }
    }

    @Test func thereAreExamplesOfOrdersLotsAndTheComparison() {
        for format in ["orders", "lots"] {
            #expect(Self.examples.contains { $0.file == "README.md" && $0.command.contains(format) }, "\(format)")
        }
        #expect(Self.examples.contains { $0.file == "docs/output.md" && $0.command.first == "compare" })
    }

    @Test(arguments: examples)
    func anExamplePrintsWhatItShows(example: Example) throws {
        // `--trades FILE` goes to a temporary file, not into the repository.
        var arguments = example.command
        if let i = arguments.firstIndex(of: "--trades"), i + 1 < arguments.count {
            arguments[i + 1] = try temporaryFile("trades.csv")
        }
        let run = try Run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == example.shown + "\n", "\(example)")
    }
}

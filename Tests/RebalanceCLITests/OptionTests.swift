import Foundation
import Testing

/// Typed command-line values: each command accepts and lists only its own formats, and every bad
/// value — a format, a strategy, a list of strategies, a number — is a usage error with exit 64,
/// refused before the scenario is read.
@Suite struct OptionTests {
    static let offered: [String: [String]] = [
        "plan": ["table", "json", "csv", "orders", "lots"],
        "compare": ["table", "json", "csv", "markdown", "html"],
        "tax-cost": ["table", "json"],
        "frontier": ["table", "json", "html"],
    ]
    static let allFormats = ["table", "json", "csv", "markdown", "html", "orders", "lots"]

    @Test(arguments: offered.keys.sorted())
    func helpListsExactlyTheOfferedFormats(command: String) throws {
        let help = try Run([command, "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let offered = Self.offered[command]!
        #expect(help.contains("(values: \(offered.joined(separator: ", ")); default: table)"), "\(command): \(help)")
    }

    @Test(arguments: offered.keys.sorted())
    func formatsNotOfferedAreUsageErrors(command: String) throws {
        for format in Self.allFormats {
            let run = try Run([command, "scenarios/three-fund.yaml", "--format", format, "--points", "2"].filter {
                command == "frontier" || ($0 != "--points" && $0 != "2")
            })
            if Self.offered[command]!.contains(format) {
                #expect(run.status == 0, "\(command) --format \(format): \(run.stderr)")
            } else {
                #expect(run.status == 64, "\(command) --format \(format)")
                #expect(run.stdout.isEmpty)
                #expect(run.stderr.contains("'--format <format>'"), "\(run.stderr)")
            }
        }
    }

    @Test func badValuesAreUsageErrorsNamingTheOptionAndWhy() throws {
        // A missing file too: the command line is checked before anything is read.
        let cases: [([String], String)] = [
            (["plan", "missing.yaml", "--strategy", "foo"], #"unknown strategy "foo""#),
            (["tax-cost", "missing.yaml", "--strategy", "tax-budget:x"], "tax-budget:x"),
            (["compare", "missing.yaml", "--strategies", " , "], "at least one strategy"),
            (["compare", "missing.yaml", "--strategies", "full,bogus"], #"unknown strategy "bogus""#),
            (["batch", "missing.jsonl", "--strategies", "bogus"], #"unknown strategy "bogus""#),
            (["plan", "missing.yaml", "--time-limit", "0"], "--time-limit"),
            (["frontier", "missing.yaml", "--points", "1"], "--points"),
            (["compare", "missing.yaml", "--jobs", "0"], "--jobs must be between 1 and 1024"),
            (["frontier", "missing.yaml", "--jobs", "0"], "--jobs must be between 1 and 1024"),
        ]
        for (arguments, reason) in cases {
            let run = try Run(arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderr.contains(reason), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("missing"), "\(arguments): the file was read")
        }
    }

    @Test func strategiesParseWithArguments() throws {
        let run = try Run(["compare", "scenarios/three-fund.yaml", "--strategies", " full , tax-budget:0,band:2 ", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let plans = try #require((run.json as? [String: Any])?["plans"] as? [[String: Any]])
        #expect(plans.compactMap { $0["strategy"] as? String } == ["full", "tax-budget:0", "band:2"])
    }

    @Test func compareAndFrontierPrintTheSameOnOneJobAsOnSeveral() throws {
        for command in [["compare", "--strategies", "band:2,full,fifo,cash-only,tax-aware:1"], ["frontier", "--points", "4"]] {
            let arguments = [command[0], "scenarios/gains-and-carryforward.yaml", "--format", "json"] + command.dropFirst()
            let one = try Run(arguments + ["--jobs", "1"])
            let three = try Run(arguments + ["--jobs", "3"])
            #expect(one.status == 0 && three.status == 0, "\(one.stderr) \(three.stderr)")
            #expect(!one.stdout.isEmpty && three.stdout == one.stdout, "\(command)")
        }
    }
}

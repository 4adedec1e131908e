import Foundation
import Testing
@testable import RebalanceCLI
@testable import Rebalancing

/// Command-line conventions: version, suggestions for typos, plurals, aligned tables, the
/// progress bar, what a baseline or an infeasible plan says.
@Suite struct ConventionsTests {
    @Test func versionIsTheConstant() throws {
        let run = try Run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout == RebalanceVersion.current + "\n")
        #expect(RebalanceVersion.current.split(separator: ".").count == 3)
    }

    @Test func closestNames() {
        let commands = ["plan", "compare", "tax-cost", "frontier", "batch", "generate", "validate", "help"]
        #expect(Suggestion.closest(to: "plna", among: commands) == "plan")  // two letters swapped: 1 edit
        #expect(Suggestion.closest(to: "compre", among: commands) == "compare")  // one dropped
        #expect(Suggestion.closest(to: "taxcost", among: commands) == "tax-cost")
        #expect(Suggestion.closest(to: "FRONTIER", among: commands) == "frontier")
        #expect(Suggestion.closest(to: "gen", among: commands) == "generate")  // the only one it starts
        #expect(Suggestion.closest(to: "xyz", among: commands) == nil)
        #expect(Suggestion.closest(to: "pl", among: ["plan", "plot"]) == nil)  // two start with it
        #expect(Suggestion.distance(Array("kitten"), Array("sitting")) == 3)
    }

    @Test func aMistypedSubcommandGetsASuggestion() throws {
        #expect(RebalanceCommand.subcommandSuggestion(["plna", "x.yaml"])! == ("plna", "plan"))
        #expect(RebalanceCommand.subcommandSuggestion(["plan", "x.yaml"]) == nil)
        #expect(RebalanceCommand.subcommandSuggestion(["--version"]) == nil)
        let run = try Run(["comapre", "scenarios/three-fund.yaml"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Unknown subcommand 'comapre'. Did you mean 'compare'?"))
        #expect(run.stdout.isEmpty)
    }

    @Test func aMistypedStrategyGetsASuggestion() throws {
        #expect(StrategyError.unknown("fulll").description.contains("(did you mean \"full\"?)"))
        #expect(StrategyError.unknown("tax-awre:0.2").description.contains("(did you mean \"tax-aware:0.2\"?)"))
        let run = try Run(["plan", "scenarios/three-fund.yaml", "--strategy", "cash-onyl"])
        #expect(run.status == 64)  // a bad command-line value: a usage error (README, exit codes)
        #expect(run.stderr.contains("did you mean \"cash-only\"?"))
    }

    /// `man rebalance` is made by swift-argument-parser's generator, which drops every character
    /// outside ASCII: help text in anything else would reach the man page with holes in it.
    @Test(arguments: ["", "plan", "compare", "tax-cost", "frontier", "batch", "generate", "validate", "import"])
    func helpTextIsASCIISoTheManPageKeepsIt(command: String) throws {
        let run = try Run((command.isEmpty ? [] : [command]) + ["--help"])
        #expect(run.status == 0)
        let foreign = run.stdout.unicodeScalars.filter { !$0.isASCII }
        #expect(foreign.isEmpty, "\(command) --help: \(String(String.UnicodeScalarView(foreign)))")
    }

    @Test func oneAccountIsSingular() throws {
        #expect(counted(1, "account") == "1 account")
        #expect(counted(0, "account") == "0 accounts")
        #expect(counted(2, "household") == "2 households")
        let path = try temporaryFile("one.yaml", Self.oneAccount)
        let run = try Run(["compare", path, "--strategies", "full"])
        #expect(run.stdout.contains("— 1 account, $1,000.00 to invest"))
    }

    static let oneAccount = """
        asOf: 2026-11-20
        prices: {A: 100, B: 50}
        pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}
        accounts:
          - id: t
            type: taxable
            cash: 1000
        """

    /// Every trade row of `plan`'s table, whatever its account, has its columns at the same
    /// places: the `@` of the price and the end of the amount line up down the page.
    @Test(arguments: ["scenarios/three-fund.yaml", "scenarios/withdrawal.yaml", "scenarios/own-pie-account.yaml"])
    func planTableAlignsAcrossAccounts(file: String) throws {
        let run = try Run(["plan", file, "--strategy", "full"])
        #expect(run.status == 0)
        let body = run.stdout.components(separatedBy: "\nSummary")[0]
        let tradeRows = body.split(separator: "\n").filter { $0.hasPrefix("  BUY") || $0.hasPrefix("  SELL") }
        #expect(tradeRows.count >= 2, "\(file) trades several symbols")
        let accounts = Set(body.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.contains("(") })
        #expect(accounts.count >= 2, "\(file) has several accounts")
        let at = Set(tradeRows.map { $0.distance(from: $0.startIndex, to: $0.firstIndex(of: "@")!) })
        let end = Set(tradeRows.map(\.count))
        #expect(at.count == 1, "\(file): the prices start in different columns\n\(body)")
        #expect(end.count == 1, "\(file): the amounts end in different columns\n\(body)")
    }

    @Test func aBaselineClaimsNoOptimum() throws {
        for strategy in ["fifo", "m1"] {
            let run = try Run(["plan", "scenarios/three-fund.yaml", "--strategy", strategy])
            #expect(run.status == 0)
            let title = run.stdout.split(separator: "\n")[0]
            #expect(!title.contains("optimal"), "\(title)")
            #expect(title.contains("baseline"), "\(title)")
        }
        let optimized = try Run(["plan", "scenarios/three-fund.yaml", "--strategy", "full"])
        #expect(optimized.stdout.split(separator: "\n")[0].hasSuffix("an optimal solution was found"))
    }

    /// A withdrawal that must sell a gain cannot meet a negative tax budget: no plan, so no
    /// summary (which would show the account's cash at −$500).
    @Test func anInfeasiblePlanPrintsNoSummary() throws {
        let path = try temporaryFile(
            "w.yaml",
            """
            asOf: 2026-11-20
            prices: {A: 100}
            pie: {slices: [{symbol: A, weight: 100}]}
            accounts:
              - id: t
                type: taxable
                flow: -500
                lots: [{symbol: A, shares: 10, costBasis: 10, acquired: 2020-01-01}]
            """)
        for command in ["plan", "tax-cost"] {
            let run = try Run([command, path, "--strategy", "tax-budget:-1"])
            #expect(run.status == 1)
            #expect(run.stdout.contains("no solution satisfies every constraint"), "\(command)")
            #expect(!run.stdout.contains("Summary"), "\(command)")
            #expect(!run.stdout.contains("-$"), "\(command): \(run.stdout)")
            #expect(!run.stdout.contains("$0.00"), "\(command): \(run.stdout)")
        }
    }

    @Test func progressBarFitsTheWidth() {
        for width in [20, 40, 60, 80, 120, 200] {
            let line = ProgressBar.line(done: 1234, failed: 3, total: 10_000, rate: 456.7, width: width)
            #expect(line.count <= width - 1, "\(width): \(line)")
            #expect(width < 30 || line.contains("12%"), "\(width): \(line)")
            #expect(width < 40 || line.contains("3 failed"), "\(width): \(line)")
        }
        let wide = ProgressBar.line(done: 500, failed: 0, total: 1000, rate: 100, width: 120)
        #expect(wide.hasPrefix("[" + String(repeating: "█", count: 20) + String(repeating: "░", count: 20) + "] 50%  500/1000"))
        #expect(wide.hasSuffix("0 failed  100/s  ETA 0:05"))
        // No bar when it would be squeezed under 10 cells.
        #expect(ProgressBar.line(done: 1, failed: 0, total: 3, rate: 1, width: 40).hasPrefix("33%"))
        #expect(ProgressBar.line(done: 1, failed: 1, total: nil, rate: 1, width: 80) == "1 scenario  1 failed  1/s")
    }
}

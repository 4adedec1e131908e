import Foundation
import Testing
import RebalanceTestSupport

// `rebalance import` end to end: files in, a scenario file out (or nothing, when refused).

private let importFixtures = "Tests/Fixtures/import"

/// A copy of the --into fixture in a fresh directory.
private func householdCopy() throws -> String {
    let text = try String(contentsOfFile: packageRoot.appendingPathComponent("\(importFixtures)/household.yaml").path, encoding: .utf8)
    return try temporaryFile("household.yaml", text)
}

@Suite struct ImportCommandTests {
    @Test func exportsToAComparedPlanInTwoCommands() throws {
        // The README's two commands, for an IBKR user and for a Schwab user.
        let household = try householdCopy()
        let ibkr = try Run(["import", "ibkr-flex", "\(importFixtures)/ibkr-open-positions.csv", "--into", household, "--out", household])
        #expect(ibkr.status == 0, "\(ibkr.stderr)")
        #expect(ibkr.stdout.isEmpty)
        let compare = try Run(["compare", household, "--format", "json"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let plans = try #require((compare.json as? [String: Any])?["plans"] as? [[String: Any]])
        #expect(plans.count == 4)

        let schwab = try householdCopy()
        let lots = try Run([
            "import", "schwab-lots", "\(importFixtures)/schwab-VTI-lots.csv", "\(importFixtures)/schwab-VXUS-lots.csv",
            "--account", "brokerage", "--into", schwab, "--out", schwab,
        ])
        #expect(lots.status == 0, "\(lots.stderr)")
        let realized = try Run([
            "import", "schwab-realized", "\(importFixtures)/schwab-realized.csv", "--account", "brokerage", "--into", schwab,
            "--out", schwab,
        ])
        #expect(realized.status == 0, "\(realized.stderr)")
        let plan = try Run(["plan", schwab, "--strategy", "full", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let notes = try #require((plan.json as? [String: Any])?["notes"] as? [[String: Any]])
        let blocked = notes.filter { $0["kind"] as? String == "blocked" }
        #expect(blocked.count == 1 && blocked.first?["symbol"] as? String == "VEA" && blocked.first?["until"] as? String == "2026-12-11")
        // No file left behind beside the scenario but the scenario.
        let directory = URL(fileURLWithPath: schwab).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["household.yaml"])
    }

    @Test func aNewScenarioOnStandardOutputNamesItsSources() throws {
        let run = try Run(["import", "generic", "\(importFixtures)/generic-holdings.csv", "--as-of", "2026-11-20"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("# Imported by rebalance import generic from:\n#   \(importFixtures)/generic-holdings.csv\n"))
        let path = try temporaryFile("new.yaml", run.stdout)
        let validate = try Run(["validate", path])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("valid — 3 accounts, 4 lots"))
    }

    @Test func aRefusedImportWritesNothingAndSaysEverything() throws {
        let out = try temporaryFile("out.yaml", "previous contents\n")
        let run = try Run([
            "import", "schwab-lots", "\(importFixtures)/bad-lots.csv", "\(importFixtures)/not-an-export.csv",
            "--as-of", "2026-11-20", "--out", out,
        ])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines.first == #"\#(importFixtures)/bad-lots.csv:3: column "Open Date": expected a date written MM/DD/YYYY or YYYY-MM-DD, got "13/04/2021""#)
        #expect(lines.last?.hasPrefix(#"\#(importFixtures)/not-an-export.csv: matches no schwab-lots layout: it lacks the columns "Open Date", "Cost Basis""#) == true)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous contents\n")
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.yaml"])
    }

    @Test func commandLineMistakes() throws {
        let unknown = try Run(["import", "fidelity", "x.csv"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains(#"unknown format "fidelity"; the formats are schwab-lots, schwab-realized, ibkr-flex, generic"#))
        let missing = try Run(["import", "generic", "no-such-file.csv", "--as-of", "2026-11-20"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("no-such-file.csv: cannot read the file"))
        let realized = try Run(["import", "schwab-realized", "\(importFixtures)/schwab-realized.csv", "--as-of", "2026-11-20"])
        #expect(realized.status == 2)
        #expect(realized.stderr.contains("schwab-realized exports carry no lots; import them --into a scenario that has the account"))
        // The sales are of the account the title names, which the scenario lacks.
        let household = try householdCopy()
        let before = try String(contentsOfFile: household, encoding: .utf8)
        let wrongAccount = try Run(["import", "schwab-realized", "\(importFixtures)/schwab-realized.csv", "--into", household, "--out", household])
        #expect(wrongAccount.status == 2)
        #expect(
            wrongAccount.stderr == """
                \(importFixtures)/schwab-realized.csv: the sales are of account "Individual XXXX-1234", which \(household) does \
                not have; name its account with --account (it has "brokerage", "roth")

                """)
        #expect(try String(contentsOfFile: household, encoding: .utf8) == before)
        // Whatever else makes the written scenario invalid is refused with the scenario's own message.
        // (Here an IRA lot keeps the id T-1 that the export gives a brokerage lot.)
        let ira = try temporaryFile(
            "ira.yaml",
            before.replacingOccurrences(
                of: "    lots: []\nstrategies",
                with: "    lots: []\n  - id: ira\n    type: taxDeferred\n"
                    + "    lots: [{id: T-1, symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-02}]\nstrategies"))
        #expect(try Run(["validate", ira]).status == 0)
        let invalid = try Run(["import", "generic", "\(importFixtures)/generic-holdings.csv", "--into", ira])
        #expect(invalid.status == 2)
        #expect(invalid.stdout.isEmpty)
        #expect(invalid.stderr.hasPrefix("the scenario would be invalid: \(ira): accounts[2].lots[0].id: duplicate lot id \"T-1\""))
        let json = try Run(["import", "generic", "\(importFixtures)/generic-holdings.csv", "--into", "scenarios/three-fund.json"])
        #expect(json.status == 64)
    }
}

import Foundation
import Testing
@testable import Rebalancing
import RebalanceTestSupport

/// Runs the built `rebalance` executable and captures what it prints.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String

    static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rebalance"),
            packageRoot.appendingPathComponent(".build/debug/rebalance"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    init(_ arguments: [String], stdin: String? = nil) throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        // stderr goes to a file, stdout through a pipe read to its end: neither can block.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("rebalance-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errPath.path, contents: nil)
        let err = try FileHandle(forWritingTo: errPath)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: errPath)
        try? FileManager.default.removeItem(at: errPath)
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
}

/// The bundled scenarios, relative to the package root (the commands run there).
let scenarioFiles: [String] = bundledScenarios.map { "scenarios/\($0)" }

func temporaryFile(_ name: String, _ contents: String? = nil) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rebalance-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
    return path
}

@Suite struct CommandTests {
    @Test func planPrintsTheDocumentedJSONFields() throws {
        let run = try Run(["plan", "scenarios/three-fund.yaml", "--strategy", "full", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let plan = try #require(run.json as? [String: Any])
        #expect(plan["strategy"] as? String == "full")
        #expect(plan["status"] as? String == "optimal")
        let summary = try #require(plan["summary"] as? [String: Any])
        for key in [
            "driftBefore", "driftAfter", "misallocatedBefore", "misallocatedAfter", "turnover", "realized", "lotTax",
            "estimatedTax", "cashAfter",
        ] {
            #expect(summary[key] != nil, "summary.\(key)")
        }
        let trades = try #require(plan["trades"] as? [[String: Any]])
        for trade in trades {
            let shares = try #require(trade["shares"] as? Double), amount = try #require(trade["amount"] as? Double)
            #expect(["buy", "sell"].contains(trade["action"] as? String))
            #expect(shares > 0 && amount > 0)
            if trade["action"] as? String == "sell" { #expect((trade["lots"] as? [Any])?.isEmpty == false) }
        }
    }

    @Test func invalidInputPrintsEveryProblemOnStderrAndNothingOnStdout() throws {
        let path = try temporaryFile(
            "bad.yaml",
            """
            asOf: 2026-11-20
            prices: {A: 100}
            pie: {slices: [{symbol: A, weight: 90}]}
            accounts:
              - id: t
                type: taxable
                lots: [{symbol: A, shares: -2, costBasis: 10, acquired: 2020-01-01}]
            """)
        for command in ["plan", "validate", "compare", "tax-cost", "frontier"] {
            let run = try Run([command, path])
            #expect(run.status == 2, "\(command)")
            #expect(run.stdout.isEmpty, "\(command)")
            #expect(run.stderr.contains("\(path): accounts[0].lots[0].shares: must be > 0, got -2"))
            #expect(run.stderr.contains("\(path): pie.slices: weights must sum to 100, got 90"))
        }
    }

    @Test func anInfeasiblePlanSaysWhyAndExitsOne() throws {
        // A withdrawal that must sell a gain cannot meet a negative tax budget.
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
        let run = try Run(["plan", path, "--strategy", "tax-budget:-1", "--format", "json"])
        #expect(run.status == 1)
        let plan = try #require(run.json as? [String: Any])
        #expect(plan["status"] as? String == "infeasible")
        #expect((plan["message"] as? String)?.isEmpty == false)
        let compare = try Run(["compare", path, "--strategies", "full,tax-budget:-1"])
        #expect(compare.status == 0)
        #expect(compare.stdout.contains("tax-budget:-1  infeasible"))
    }

    @Test(arguments: scenarioFiles)
    func compareWritesEveryFormat(file: String) throws {
        for format in ["table", "json", "csv", "markdown", "html"] {
            let run = try Run(["compare", file, "--strategies", "cash-only,full,fifo,m1,tax-aware", "--format", format])
            #expect(run.status == 0, "\(file) \(format): \(run.stderr)")
            #expect(!run.stdout.isEmpty)
            switch format {
            case "json":
                let object = try #require(run.json as? [String: Any])
                #expect((object["plans"] as? [Any])?.count == 5)
            case "csv":
                // One row per strategy, after the header.
                #expect(run.stdout.hasPrefix("strategy,status,trades,turnover,driftBefore,driftAfter,"))
                #expect(run.stdout.split(separator: "\n").count == 6)
            case "table":
                #expect(run.stdout.contains("fifo baseline"))
            default:
                break
            }
        }
    }

    @Test(arguments: scenarioFiles)
    func taxCostFiguresEqualThePlans(file: String) throws {
        let plan = try #require(try Run(["plan", file, "--strategy", "full", "--format", "json"]).json as? [String: Any])
        let cost = try #require(try Run(["tax-cost", file, "--format", "json"]).json as? [String: Any])
        let summary = try #require(plan["summary"] as? [String: Any])
        #expect(cost["estimatedTax"] as? Double == summary["estimatedTax"] as? Double)
        #expect(cost["lotTax"] as? Double == summary["lotTax"] as? Double)
        // The estimate's own inputs: the plan's net gains by term, as tax-cost lists them.
        let shortTerm = try #require(cost["shortTerm"] as? [String: Any])
        let longTerm = try #require(cost["longTerm"] as? [String: Any])
        let realized = try #require(summary["realized"] as? [String: Any])
        // Realized gains include disallowed losses, the estimate counts them as 0: plan ≥ realized.
        #expect((shortTerm["plan"] as? Double ?? .nan) >= (realized["shortTerm"] as? Double ?? .nan) - 0.01)
        #expect((longTerm["plan"] as? Double ?? .nan) >= (realized["longTerm"] as? Double ?? .nan) - 0.01)
    }

    @Test(arguments: scenarioFiles)
    func theFrontiersDriftNeverRisesAsItsBudgetGrows(file: String) throws {
        let run = try Run(["frontier", file, "--format", "json"])
        #expect(run.status == 0)
        let points = try #require((run.json as? [String: Any])?["points"] as? [[String: Any]])
        #expect(points.count >= 10)
        let drifts = points.compactMap { $0["driftAfter"] as? Double }
        for (a, b) in zip(drifts, drifts.dropFirst()) { #expect(b <= a + 1e-6, "\(file): \(drifts)") }
        let budgets = points.compactMap { $0["taxBudget"] as? Double }
        #expect(budgets == budgets.sorted())
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let a = try Run(["compare", "scenarios/withdrawal.yaml", "--format", "json"])
        let b = try Run(["compare", "scenarios/withdrawal.yaml", "--format", "json"])
        #expect(a.stdout == b.stdout)
    }
}

@Suite struct BatchCommandTests {
    static func households(_ n: Int) throws -> String {
        let path = try temporaryFile("households.jsonl")
        let run = try Run(["generate", "--households", String(n), "--seed", "7", "--out", path])
        #expect(run.status == 0, "\(run.stderr)")
        return path
    }

    @Test func oneAndTwoJobsGiveTheSameBytesInInputOrder() throws {
        let input = try Self.households(40)
        let one = try Run(["batch", input, "--jobs", "1", "--strategies", "cash-only,full"])
        let two = try Run(["batch", input, "--jobs", "2", "--strategies", "cash-only,full"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == two.stdout)
        let lines = one.stdout.split(separator: "\n")
        #expect(lines.count == 40)
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["line"] as? Int == i + 1)
            #expect(object["plans"] != nil)
        }
    }

    @Test func theShardsTogetherAreOneRun() throws {
        let input = try Self.households(30)
        let whole = try Run(["batch", input, "--strategies", "full"]).stdout.split(separator: "\n").map(String.init)
        var union: [String] = []
        for k in 0..<3 {
            union += try Run(["batch", input, "--strategies", "full", "--shard", "\(k)/3"]).stdout.split(separator: "\n")
                .map(String.init)
        }
        #expect(union.count == whole.count)
        #expect(Set(union) == Set(whole))
    }

    @Test func resumeAfterAKillLosesNothingAndRepeatsNothing() throws {
        let input = try Self.households(25)
        let out = try temporaryFile("out.jsonl")
        let whole = try Run(["batch", input, "--strategies", "full", "--out", out])
        #expect(whole.status == 0)
        let expected = try String(contentsOfFile: out, encoding: .utf8)
        // A run killed mid-line: the first 10 lines and part of the 11th.
        let lines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let torn = lines.prefix(10).joined(separator: "\n") + "\n" + lines[10].prefix(37)
        try torn.write(toFile: out, atomically: true, encoding: .utf8)
        let resumed = try Run(["batch", input, "--strategies", "full", "--out", out, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("10 already done"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected)
    }

    @Test func aBadScenarioIsAnErrorLineAndTheBatchGoesOn() throws {
        let input = try temporaryFile(
            "mixed.jsonl",
            """
            {"asOf": "2026-11-20", "prices": {"A": 100}, "pie": {"slices": [{"symbol": "A", "weight": 100}]}, "accounts": [{"id": "t", "type": "taxable", "cash": 100}]}
            {"asOf": "2026-11-20", "prices": {"A": -1}}
            not json
            {"asOf": "2026-11-20", "prices": {"A": 100}, "pie": {"slices": [{"symbol": "A", "weight": 100}]}, "accounts": [{"id": "t", "type": "taxable", "cash": 50}]}
            """)
        let run = try Run(["batch", input, "--strategies", "full"])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 4)
        #expect(lines[0]?["plans"] != nil && lines[3]?["plans"] != nil)
        #expect((lines[1]?["error"] as? String)?.contains("prices.A: must be > 0") == true)
        #expect(lines[2]?["error"] != nil)
        #expect(run.stderr.contains("2 failed"))
    }

    @Test func standardInputIsJSONLines() throws {
        let input = try Self.households(3)
        let text = try String(contentsOfFile: input, encoding: .utf8)
        let run = try Run(["batch", "-", "--strategies", "full"], stdin: text)
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 3)
    }

    @Test func theSameSeedGivesTheSameHouseholds() throws {
        let a = try Run(["generate", "--households", "5", "--seed", "11"])
        let b = try Run(["generate", "--households", "5", "--seed", "11"])
        let c = try Run(["generate", "--households", "5", "--seed", "12"])
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
    }

    @Test func generateDirectIndexingHouseholdsThatPlan() throws {
        let run = try Run(["generate", "--households", "2", "--profile", "direct-indexing", "--symbols", "12", "--lots", "240"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        // The first household, planned by `full` from standard input's JSON, as a user would.
        let path = try temporaryFile("di.json", String(lines[0]))
        let plan = try Run(["plan", path, "--strategy", "full", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect((plan.json as? [String: Any])?["status"] as? String == "optimal")
        // A profile that does not exist is a usage error.
        let bad = try Run(["generate", "--households", "1", "--profile", "indexing"])
        #expect(bad.status == 64)
    }
}

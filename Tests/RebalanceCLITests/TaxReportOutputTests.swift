import Foundation
import Testing

// What every format shows about tax: notes, the loss carried forward, the assumptions, sales that
// are not taxable, and the sentence that tells lot-level tax from this year's tax.

/// A 100% BND target: every strategy that rebalances fully must sell the short-term NVDA lot (gain
/// 10 × (290 − 100) = 1,900, long-term on 2026-12-11: waiting saves 1,900 × (0.35 − 0.15) = 380.00),
/// the VXUS loss lot (20 × 50 − 1,200 = −200: do not buy it again before asOf + 31 = 2026-12-21)
/// and the 401k's NVDA lot (a gain that is not taxed).
private let notesScenario = """
    name: Notes everywhere
    asOf: 2026-11-20
    tax: {shortTermRate: 0.35, longTermRate: 0.15}
    prices: {NVDA: 290, VXUS: 50, BND: 70}
    pie: {slices: [{symbol: BND, weight: 100}]}
    accounts:
      - id: brokerage
        type: taxable
        lots:
          - {symbol: NVDA, shares: 10, costBasis: 1000, acquired: 2025-12-10}
          - {symbol: VXUS, shares: 20, costBasis: 1200, acquired: 2026-03-02}
      - id: 401k
        type: taxDeferred
        lots:
          - {symbol: NVDA, shares: 10, costBasis: 1000, acquired: 2020-01-02}
    """

private let nearLongTerm = "NVDA lot 2025-12-10 turns long-term on 2026-12-11: waiting saves $380.00"
private let rebuy = "do not buy it before 2026-12-21"
private let sentence = "Lot-level tax counts every gain and loss sold at its own rate"

@Suite struct TaxReportOutputTests {
    let path: String
    init() throws { path = try temporaryFile("notes.yaml", notesScenario) }

    @Test func planTable() throws {
        let run = try Run(["plan", path, "--strategy", "full"])
        #expect(run.status == 0, "\(run.stderr)")
        for text in [
            nearLongTerm, rebuy, sentence, "Loss carried forward", "Assumptions",
            "Tax rates           short-term 35%, long-term 15%",
            "Offset limit        $3,000.00 of net loss a year against ordinary income (default)",
            "not taxable (tax-deferred)",
        ] {
            #expect(run.stdout.contains(text), "\(text)")
        }
    }

    @Test func planJSON() throws {
        let plan = try #require(try Run(["plan", path, "--strategy", "full", "--format", "json"]).json as? [String: Any])
        let notes = try #require(plan["notes"] as? [[String: Any]])
        #expect(notes.map { $0["kind"] as? String } == ["nearLongTerm", "doNotRebuyUntil"])
        #expect(notes[0]["taxSavedByWaiting"] as? Double == 380)
        #expect(notes[0]["longTermOn"] as? String == "2026-12-11")
        #expect(notes[1]["until"] as? String == "2026-12-21")
        let summary = try #require(plan["summary"] as? [String: Any])
        #expect(summary["carryforwardAfter"] as? [String: Double] == ["shortTerm": 0, "longTerm": 0])
        let assumptions = try #require(plan["assumptions"] as? [String: Any])
        #expect(assumptions["defaults"] as? [String] == ["realizedThisYear", "carryforwardLoss", "ordinaryOffsetLimit", "tradingCost"])
        let trades = try #require(plan["trades"] as? [[String: Any]])
        let lots = trades.flatMap { ($0["lots"] as? [[String: Any]]) ?? [] }
        // Only the 401k lot says taxable: false; its term stays.
        #expect(lots.filter { $0["taxable"] as? Bool == false }.map { $0["acquired"] as? String } == ["2020-01-02"])
        #expect(lots.allSatisfy { $0["term"] != nil })
    }

    @Test func planCSVHasNoteRows() throws {
        let run = try Run(["plan", path, "--strategy", "full", "--format", "csv"])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "account,symbol,action,shares,amount,note")
        #expect(lines.contains("brokerage,NVDA,note,,,\"In brokerage, \(nearLongTerm).\""))
        #expect(lines.contains { $0.hasPrefix(",VXUS,note,,,") && $0.contains(rebuy) })
        // Trade rows have an empty note.
        #expect(lines.contains { $0.hasPrefix("brokerage,NVDA,sell,10,2900.00,") && $0.hasSuffix(",") })
    }

    @Test func compareInEveryFormat() throws {
        for format in ["table", "markdown", "html", "json", "csv"] {
            // CSV: the notes go with the trades, in the --trades file.
            let tradesFile = try temporaryFile("trades.csv")
            let run = try Run(
                ["compare", path, "--strategies", "full,fifo", "--format", format] + (format == "csv" ? ["--trades", tradesFile] : []))
            #expect(run.status == 0, "\(format): \(run.stderr)")
            if format == "csv" { #expect(run.stdout.split(separator: "\n").count == 3) }  // the header, two strategies
            let stdout = format == "csv" ? try String(contentsOfFile: tradesFile, encoding: .utf8) : run.stdout
            // JSON carries the notes as objects (checked below), every other format as sentences.
            if format != "json" { #expect(stdout.contains(nearLongTerm), "\(format)") }
            #expect(stdout.contains("2026-12-21"), "\(format)")
            if format != "json" && format != "csv" {
                #expect(stdout.contains("Assumptions"), "\(format)")
                #expect(stdout.contains("(default)"), "\(format)")
            }
            if format == "table" || format == "markdown" {
                #expect(stdout.contains(sentence), "\(format)")
                // Both strategies sell the same lots: one note line names both.
                #expect(stdout.contains("full, fifo: In brokerage, \(nearLongTerm)."), "\(format)")
            }
            if format == "html" {
                #expect(stdout.contains("not taxable (tax-deferred)"))
                #expect(stdout.contains("Lot-level tax counts every gain and loss sold at its own rate"))
            }
            if format == "json" {
                let object = try #require(run.json as? [String: Any])
                #expect(object["assumptions"] is [String: Any])
                let plans = try #require(object["plans"] as? [[String: Any]])
                #expect(plans.allSatisfy { ($0["notes"] as? [Any])?.count == 2 })
            }
        }
    }

    @Test func taxCost() throws {
        let table = try Run(["tax-cost", path])
        #expect(table.status == 0)
        for text in [nearLongTerm, sentence, "Carried forward", "Assumptions", "not taxable (tax-deferred)"] {
            #expect(table.stdout.contains(text), "\(text)")
        }
        // The 401k lot's row says not taxable, not "long".
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("401k") })
        #expect(row.hasSuffix("not taxable (tax-deferred)"))
        let json = try #require(try Run(["tax-cost", path, "--format", "json"]).json as? [String: Any])
        #expect(json["carryforwardAfter"] is [String: Any])
        #expect((json["notes"] as? [Any])?.count == 2)
        #expect(json["assumptions"] is [String: Any])
        let lots = try #require(json["lots"] as? [[String: Any]])
        #expect(lots.filter { $0["taxable"] as? Bool == false }.count == 1)
    }

    @Test func batchLinesCarryNotesAndAssumptions() throws {
        let run = try Run(["batch", path, "--strategies", "full", "--jobs", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(line["assumptions"] is [String: Any])
        let plans = try #require(line["plans"] as? [[String: Any]])
        #expect((plans.first?["notes"] as? [[String: Any]])?.first?["kind"] as? String == "nearLongTerm")
    }

    @Test func blockedNotesComeLastInEveryFormat() throws {
        // A loss sale of VEA (held nowhere, targeted nowhere) on 2026-11-02: blocked until
        // 2026-11-02 + 31 = 2026-12-03. The trades do not change; the note joins the others, last.
        let blocked = try temporaryFile(
            "blocked.yaml",
            notesScenario + "\nrecentSales: [{account: brokerage, symbol: VEA, shares: 5, loss: 40, sold: 2026-11-02}]\n")
        let sentence = "VEA was sold at a loss in the last 30 days: not bought before 2026-12-03."
        let plan = try #require(try Run(["plan", blocked, "--strategy", "full", "--format", "json"]).json as? [String: Any])
        let notes = try #require(plan["notes"] as? [[String: Any]])
        #expect(notes.map { $0["kind"] as? String } == ["nearLongTerm", "doNotRebuyUntil", "blocked"])
        #expect(notes.last?["until"] as? String == "2026-12-03")
        #expect(try Run(["plan", blocked, "--strategy", "full"]).stdout.contains("  - " + sentence))
        let csv = try Run(["plan", blocked, "--strategy", "full", "--format", "csv"]).stdout
        #expect(csv.hasSuffix(",VEA,note,,,\(sentence)\n") || csv.hasSuffix(",VEA,note,,,\(sentence)"))
        let markdown = try Run(["compare", blocked, "--strategies", "full,cash-only", "--format", "markdown"]).stdout
        #expect(markdown.contains("- full, cash-only: " + sentence))
    }

    @Test func frontierStatesItsAssumptions() throws {
        let run = try Run(["frontier", path, "--points", "2"])
        #expect(run.stdout.contains("Assumptions") && run.stdout.contains(sentence))
        let json = try #require(try Run(["frontier", path, "--points", "2", "--format", "json"]).json as? [String: Any])
        #expect(json["assumptions"] is [String: Any])
        let html = try Run(["frontier", path, "--points", "2", "--format", "html"]).stdout
        #expect(html.contains("<h2>Assumptions</h2>") && html.contains("(default)"))
    }
}

import Foundation
import Testing

@testable import RebalanceCLI
import RebalanceTestSupport

/// Text from a scenario can reach a spreadsheet, a terminal or a Markdown page: it must stay
/// text there.
@Suite("Escaping in CSV, tables and Markdown")
struct EscapingTests {
    /// A withdrawal that needs a sale, so that `tax-budget:0` is infeasible; hostile text in
    /// the name, the account id and a symbol.
    static let hostile = """
        name: "=HYPERLINK(\\"http://x\\") <img src=x onerror=alert(1)>"
        asOf: 2026-11-20
        prices: {"=A": 100, "@B": 100}
        pie: {slices: [{symbol: "=A", weight: 50}, {symbol: "@B", weight: 50}]}
        accounts:
          - id: "t\\e[31mRED\\a"
            type: taxable
            cash: 0
            flow: -100
            lots: [{symbol: "=A", shares: 2, costBasis: 10, acquired: 2020-01-01}]
        """

    @Test(arguments: [["plan", "--format", "csv"], ["plan", "--format", "orders"], ["plan", "--format", "lots"],
                      ["compare", "--format", "csv"], ["compare", "--format", "csv", "--trades"]])
    func csvCellsNeverStartAFormula(arguments: [String]) throws {
        let path = try temporaryFile("hostile.yaml", Self.hostile)
        let trades = try temporaryFile("trades.csv")
        let strategy = arguments[0] == "plan" ? ["--strategy", "full"] : ["--strategies", "full"]
        let run = try Run([arguments[0], path] + strategy + arguments.dropFirst() + (arguments.last == "--trades" ? [trades] : []))
        #expect(run.status == 0, "\(run.stderr)")
        let text = arguments.last == "--trades" ? try String(contentsOfFile: trades, encoding: .utf8) : run.stdout
        let rows = text.split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty)
        for row in rows {
            for cell in row.split(separator: ",", omittingEmptySubsequences: false) {
                #expect(!(cell.first.map { "=+@\t\r".contains($0) } ?? false), "\(row)")
            }
        }
        switch arguments.dropFirst(2).first {
        // I = 200 of A − 100 withdrawn = 100: A down to $50, so 1.5 shares sold, basis 10 × 1.5/2 = 7.50.
        case "orders": #expect(text.contains(",'=A,Sell,1.5,market,day,150.00"))
        case "lots": #expect(text.contains(",'=A,,2020-01-01,1.5,7.50,142.50,long,true,false"))
        case _ where arguments[0] == "compare" && arguments.last == "csv": #expect(text.contains("full,optimal,"))
        default: #expect(text.contains(",'=A,sell,"))
        }
        #expect(CSVRenderer.text("-1+2") == "'-1+2" && CSVRenderer.text("\tx") == "'\tx" && CSVRenderer.text("VTI") == "VTI")
    }

    /// An infeasible plan is a row in CSV too, saying why; `plan` exits 1 as in every format.
    @Test func csvShowsAPlanThatIsNotOptimal() throws {
        let path = try temporaryFile("hostile.yaml", Self.hostile)
        let plan = try Run(["plan", path, "--strategy", "tax-budget:0", "--format", "csv"])
        #expect(plan.status == 1)
        #expect(plan.stdout.split(separator: "\n").contains(",,infeasible,,,no solution satisfies every constraint"))
        let trades = try temporaryFile("trades.csv")
        let compare = try Run(["compare", path, "--strategies", "full,tax-budget:0", "--format", "csv", "--trades", trades])
        #expect(compare.stdout.contains("\ntax-budget:0,infeasible,,,,,,,,,,,,,,no solution satisfies every constraint"))
        let tradesText = try String(contentsOfFile: trades, encoding: .utf8)
        #expect(tradesText.contains("tax-budget:0,,,infeasible,,,no solution satisfies every constraint"))
        // Orders and lots carry orders only: an infeasible plan has none (and exits 1).
        for format in ["orders", "lots"] {
            let run = try Run(["plan", path, "--strategy", "tax-budget:0", "--format", format])
            #expect(run.status == 1)
            #expect(run.stdout.split(separator: "\n").count == 1, "\(format): \(run.stdout)")
        }
    }

    @Test func tablesShowControlCharactersInsteadOfSendingThem() throws {
        let path = try temporaryFile("hostile.yaml", Self.hostile)
        for arguments in [["plan", path, "--strategy", "full"], ["tax-cost", path], ["compare", path, "--format", "markdown"]] {
            let run = try Run(arguments)
            #expect(!run.stdout.contains("\u{1B}") && !run.stdout.contains("\u{07}"), "\(arguments)")
        }
        let plan = try Run(["plan", path, "--strategy", "full"])
        #expect(plan.stdout.contains("t\\x1B[31mRED\\x07"))
    }

    @Test func markdownEscapesTheScenarioNamesHTML() throws {
        let path = try temporaryFile("hostile.yaml", Self.hostile)
        let run = try Run(["compare", path, "--strategies", "full", "--format", "markdown"])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("<img"))
        #expect(run.stdout.contains("## =HYPERLINK(\"http://x\") &lt;img src=x onerror=alert(1)&gt;"))
    }
}

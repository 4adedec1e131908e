import Foundation
import Testing

import RebalanceTestSupport

/// What a broker takes (`plan --format orders`, `--format lots`), the comparison as CSV
/// (`compare --format csv`, `--trades FILE`), and one share precision in every format.
@Suite("Orders, lots and the comparison as CSV")
struct OrderCSVTests {
    /// Two lots of A at $100: L1 10 sh, basis $500 (long-term gain $50/sh, tax $7.50/sh), L2 10 sh,
    /// basis $1,200 (short-term loss $20/sh, tax −$7.00/sh). Target 50/50 of $2,000: A must fall
    /// by $1,000 (10 shares) and B rise by $1,000 (10 shares at $100).
    static let twoLots = halfAndHalfYAML(lots: [
        "{id: L1, symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-01}",
        "{id: L2, symbol: A, shares: 10, costBasis: 1200, acquired: 2026-06-01}",
    ])

    @Test func ordersAreOneRowPerOrder() throws {
        let path = try temporaryFile("two-lots.yaml", Self.twoLots)
        let run = try Run(["plan", path, "--strategy", "full", "--format", "orders"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout == """
                account,symbol,action,quantity,orderType,timeInForce,estimatedAmount
                t,A,Sell,10,market,day,1000.00
                t,B,Buy,10,market,day,1000.00

                """)
    }

    @Test func lotsNameTheLotsEachSaleSells() throws {
        let path = try temporaryFile("two-lots.yaml", Self.twoLots)
        // full sells the loss lot L2 (−$7/sh against +$7.50/sh): basis $1,200, gain 10 × −20 = −$200.
        let full = try Run(["plan", path, "--strategy", "full", "--format", "lots"])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(
            full.stdout == """
                account,symbol,lotId,acquired,shares,costBasis,gain,term,taxable,washSale
                t,A,L2,2026-06-01,10,1200.00,-200.00,short,true,false

                """)
        // fifo sells the oldest lot, L1: basis $500, gain 10 × 50 = $500, long-term.
        let fifo = try Run(["plan", path, "--strategy", "fifo", "--format", "lots"])
        #expect(fifo.stdout.split(separator: "\n").last == "t,A,L1,2020-01-01,10,500.00,500.00,long,true,false")
    }

    /// The comparison: a row per strategy whose figures are the JSON's, read independently.
    @Test func compareCSVIsOneRowPerStrategyWithTheJSONsFigures() throws {
        let file = "scenarios/three-fund.yaml"
        let strategies = ["--strategies", "cash-only,full,fifo,tax-budget:-1"]
        let csv = try Run(["compare", file, "--format", "csv"] + strategies)
        let json = try #require(try Run(["compare", file, "--format", "json"] + strategies).json as? [String: Any])
        #expect(csv.status == 0)
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        #expect(header.count == 16 && header.first == "strategy" && header.last == "message")
        let plans = try #require(json["plans"] as? [[String: Any]])
        #expect(rows.count == 1 + plans.count)
        for (row, plan) in zip(rows.dropFirst(), plans) {
            let cell = Dictionary(uniqueKeysWithValues: zip(header, row))
            #expect(cell["strategy"] == plan["strategy"] as? String)
            #expect(cell["status"] == plan["status"] as? String)
            guard plan["status"] as? String == "optimal" else {
                #expect(cell["trades"] == "" && cell["message"] == plan["message"] as? String)
                continue
            }
            let summary = try #require(plan["summary"] as? [String: Any])
            #expect(cell["trades"] == String((plan["trades"] as? [Any])?.count ?? -1))
            for key in ["turnover", "driftBefore", "driftAfter", "lotTax", "estimatedTax", "misallocatedAfter"] {
                #expect(Double(cell[key] ?? "") == summary[key] as? Double, "\(key)")
            }
            let cash = (summary["cashAfter"] as? [String: Double] ?? [:]).values.reduce(0, +)
            #expect(abs((Double(cell["cashAfter"] ?? "") ?? .nan) - cash) < 0.015)
            #expect(cell["message"] == "")
        }
    }

    @Test func compareWritesEveryStrategysTradesToTheTradesFile() throws {
        let trades = try temporaryFile("trades.csv")
        let run = try Run(["compare", "scenarios/three-fund.yaml", "--strategies", "full,fifo", "--format", "csv", "--trades", trades])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: trades, encoding: .utf8)
        #expect(text.hasPrefix("strategy,account,symbol,action,shares,amount,note\n"))
        // Every strategy's trades, each as its own plan's CSV prints them.
        for strategy in ["full", "fifo"] {
            let plan = try Run(["plan", "scenarios/three-fund.yaml", "--strategy", strategy, "--format", "csv"])
            let own = plan.stdout.split(separator: "\n").dropFirst().map { "\(strategy),\($0)" }
            let listed = text.split(separator: "\n").filter { $0.hasPrefix("\(strategy),") }.map(String.init)
            #expect(own == listed, "\(strategy)")
        }
    }

    @Test func theTradesFileIsRefusedWithoutCSVOrOverTheScenario() throws {
        let scenario = try temporaryFile("h.yaml", Self.twoLots)
        let over = try Run(["compare", scenario, "--format", "csv", "--trades", scenario])
        #expect(over.status == 64)
        #expect(try String(contentsOfFile: scenario, encoding: .utf8) == Self.twoLots)
        let trades = try temporaryFile("trades.csv")
        let json = try Run(["compare", scenario, "--format", "json", "--trades", trades])
        #expect(json.status == 64)
        #expect(json.stderr.contains("--trades goes with --format csv"))
        #expect(!FileManager.default.fileExists(atPath: trades))
    }

    /// The same trade prints the same shares everywhere: the plan's table, JSON and CSV, the
    /// orders, the comparison's trades, and its lots add up to it.
    @Test(arguments: scenarioFiles)
    func oneSharePrecisionInEveryFormat(file: String) throws {
        func rows(_ text: String) -> [[String]] {
            text.split(separator: "\n").dropFirst().map { line -> [String] in
                line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
        let full = ["plan", file, "--strategy", "full"]
        let trades: [[String]] = rows(try Run(full + ["--format", "csv"]).stdout).filter { row in
            row.count == 6 && (row[2] == "buy" || row[2] == "sell")
        }
        let orders: [[String]] = rows(try Run(full + ["--format", "orders"]).stdout)
        #expect(orders.count == trades.count)
        let table: String = try Run(full).stdout
        let json: String = try Run(full + ["--format", "json"]).stdout
        let tradesFile = try temporaryFile("trades.csv")
        _ = try Run(["compare", file, "--strategies", "full", "--format", "csv", "--trades", tradesFile])
        let compared: String = try String(contentsOfFile: tradesFile, encoding: .utf8)
        let lots: [[String]] = rows(try Run(full + ["--format", "lots"]).stdout)
        for (trade, order) in zip(trades, orders) {
            let account = trade[0], symbol = trade[1], action = trade[2], shares = trade[3]
            #expect(order[0] == account && order[1] == symbol && order[2].lowercased() == action)
            #expect(order[3] == shares, "\(file): orders \(order[3]), csv \(shares)")
            #expect(table.contains(" \(shares) sh"), "\(file): \(symbol) \(shares)")
            #expect(json.contains("\"shares\": \(shares),"), "\(file): \(shares)")
            #expect(compared.contains("full,\(account),\(symbol),\(action),\(shares),"), "\(file)")
            guard action == "sell", let total = Double(shares) else { continue }
            let sold: [Double] = lots.filter { $0[0] == account && $0[1] == symbol }.compactMap { Double($0[4]) }
            let sum: Double = sold.reduce(0, +)
            #expect(abs(sum - total) <= 1e-6 * Double(sold.count), "\(file): \(symbol)")
        }
    }
}

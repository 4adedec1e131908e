import Foundation
import Testing

@testable import Rebalancing

// `rebalance import`'s domain: broker exports (hand-written fixtures in Tests/Fixtures/import,
// made from the layouts the brokers document) read into scenario pieces, written as a new
// scenario or into an existing one, every problem reported at once.

private let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/import")

private func fixture(_ name: String) throws -> (name: String, text: String) {
    (name, try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8))
}

private let asOf = Day("2026-11-20")!

private func read(
    _ format: ImportFormat, _ names: [String], account: String? = nil
) throws -> ImportedPortfolio {
    try Importer.read(format, files: names.map(fixture), asOf: asOf, account: account)
}

/// The problems an import refuses with (none when it is accepted: then the test fails).
private func refusal(
    _ format: ImportFormat, _ files: [(name: String, text: String)], sourceLocation: SourceLocation = #_sourceLocation
) -> [String] {
    do throws(ImportFailure) {
        _ = try Importer.read(format, files: files, asOf: asOf)
        Issue.record("expected the import to be refused", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.lines
    }
}

/// Reads `text` as a scenario and plans it with `full` and the baselines (the verifier is on in
/// tests): every plan optimal.
@discardableResult
private func validatesAndPlans(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Household {
    let scenario = try ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: "imported.yaml")
    let household = Household(scenario)
    for strategy in ["full", "tax-aware:0.10", "fifo", "m1"] {
        let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
        #expect(plan.status.isOptimal, "\(strategy): \(plan.status)", sourceLocation: sourceLocation)
    }
    return household
}

@Suite struct ImportValueTests {
    @Test func moneyInEveryWrittenForm() {
        #expect(ImportValues.money("$1,234.56") == 1234.56)
        #expect(ImportValues.money("(123.45)") == -123.45)
        #expect(ImportValues.money("($50.00)") == -50)
        #expect(ImportValues.money("-1,234.56") == -1234.56)
        #expect(ImportValues.money("-$400.00") == -400)
        #expect(ImportValues.money("$-400.00") == -400)
        #expect(ImportValues.money("72.10") == 72.1)
        #expect(ImportValues.money("--") == nil)
        #expect(ImportValues.isMissing("--"))
        #expect(ImportValues.money("$3OO") == nil)
        #expect(ImportValues.money("1,23.4") == nil)
        #expect(ImportValues.money("1e5") == nil)
    }

    @Test func sharesAndDates() {
        #expect(ImportValues.number("1,200.25") == 1200.25)
        #expect(ImportValues.number("0.375") == 0.375)
        #expect(ImportValues.number(".5") == 0.5)
        #expect(ImportValues.number("ten") == nil)
        #expect(ImportValues.date("03/04/2021") == Day("2021-03-04"))
        #expect(ImportValues.date("6/5/2026") == Day("2026-06-05"))
        #expect(ImportValues.date("2026-06-15") == Day("2026-06-15"))
        #expect(ImportValues.date("20210304;093000") == Day("2021-03-04"))
        #expect(ImportValues.date("2026-06-15, 10:00:00") == Day("2026-06-15"))
        #expect(ImportValues.date("13/04/2021") == nil)
        #expect(ImportValues.date("02/30/2026") == nil)
    }
}

@Suite struct ImporterTests {
    @Test func schwabLotsFromSeveralFilesIntoOneAccount() throws {
        // VTI: the plain layout; VXUS: the extended one, with a lower-case, reordered header
        // and a blank line above it.
        let p = try read(.schwabLots, ["schwab-VTI-lots.csv", "schwab-VXUS-lots.csv"])
        #expect(p.accounts.map(\.id) == ["Individual XXXX-1234"])  // from the title lines
        let lots = p.accounts[0].lots
        #expect(lots.map(\.symbol) == ["VTI", "VTI", "VXUS", "VXUS"])
        #expect(lots.map(\.shares) == [10, 2.5, 100.125, 20])
        #expect(lots.map(\.costBasis) == [2500, 800, 6807.5, 1380])
        #expect(lots.map(\.acquired) == ["2021-03-04", "2026-06-15", "2022-01-05", "2026-09-01"].map { Day($0)! })
        // The wash-sale adjusted lot: bought 2026-10-15 for $1,200, with $180 of disallowed loss
        // added: the adjusted basis $1,380 and the adjusted date 2026-09-01 are what count.
        #expect(p.prices == ["VTI": 300, "VXUS": 62.5])
        #expect(p.recentSales == nil && p.realizedThisYear == nil)
        let named = try read(.schwabLots, ["schwab-VTI-lots.csv"], account: "brokerage")
        #expect(named.accounts.map(\.id) == ["brokerage"])
    }

    @Test func schwabRealizedGivesThisYearsGainsAndTheRecentLossSales() throws {
        let p = try read(.schwabRealized, ["schwab-realized.csv"], account: "brokerage")
        // Short-term: VEA −840, IVV −200 wholly disallowed (wash sale: counts 0); QQQ was sold in
        // 2025 (not this year). Long-term: BND −400 + AAPL +1,600 = 1,200.
        #expect(p.realizedThisYear == TermAmounts(shortTerm: -840, longTerm: 1200))
        // VEA sold 10 days before asOf at a loss: recent. BND 40 days before: not. IVV: no loss
        // left to protect. AAPL: a gain.
        #expect(p.recentSales == [RecentSale(account: "brokerage", symbol: "VEA", shares: 120, loss: 840, sold: Day("2026-11-10")!)])
        #expect(p.accounts.isEmpty)
    }

    @Test func ibkrFlexLotsOfSeveralAccounts() throws {
        let p = try read(.ibkrFlex, ["ibkr-open-positions.csv"])
        #expect(p.accounts.map(\.id) == ["U1234567", "U7654321"])
        #expect(p.accounts[0].lots.map(\.shares) == [10, 5.5])  // the SUMMARY rows are skipped
        #expect(p.accounts[0].lots.map(\.costBasis) == [2500, 1450])
        #expect(p.accounts[1].lots.map(\.symbol) == ["BND", "VXUS"])
        #expect(p.accounts[1].lots[1].acquired == Day("2024-02-29"))
        #expect(p.prices == ["VTI": 300, "BND": 72.1, "VXUS": 62.5])
    }

    @Test func genericWithTypesIdsAndPrices() throws {
        let p = try read(.generic, ["generic-holdings.csv"])
        #expect(p.accounts.map(\.id) == ["brokerage", "401k", "roth"])
        #expect(p.accounts.map(\.type) == [.taxable, .taxDeferred, .taxExempt])
        #expect(p.accounts[0].lots.map(\.id) == ["T-1", nil])
        #expect(p.accounts[2].lots[0].shares == 150.75)
        #expect(p.prices == ["VTI": 300, "BND": 72.1, "VXUS": 62.5])
    }

    @Test func everyBadCellIsReportedAtOnceWithLineAndColumn() throws {
        let lines = refusal(.schwabLots, [try fixture("bad-lots.csv"), try fixture("not-an-export.csv")])
        #expect(
            lines == [
                #"bad-lots.csv:3: column "Open Date": expected a date written MM/DD/YYYY or YYYY-MM-DD, got "13/04/2021""#,
                #"bad-lots.csv:3: column "Quantity": expected a number of shares such as 12.5 or 1,200.25, got "ten""#,
                #"bad-lots.csv:4: column "Quantity": expected a positive number of shares (short positions are not imported), got "-2.5""#,
                #"bad-lots.csv:4: column "Cost Basis": expected an amount such as $1,234.56, (123.45) or -1,234.56, got "--""#,
                #"bad-lots.csv:5: column "Open Date": 2026-12-01 is after asOf 2026-11-20; give --as-of the export's date"#,
                #"bad-lots.csv:5: column "Price": expected an amount such as $1,234.56, (123.45) or -1,234.56, got "$3OO""#,
                #"bad-lots.csv:5: column "Cost Basis": expected an amount ≥ 0, got "(800.00)""#,
                #"not-an-export.csv: matches no schwab-lots layout: it lacks the columns "Open Date", "Cost Basis" (the closest row is line 1; columns are matched by name, in any order and case)"#,
            ])
    }

    @Test func otherRefusals() throws {
        #expect(refusal(.generic, [("empty.csv", "")]) == ["empty.csv: is empty; expected a generic export"])
        #expect(
            refusal(.ibkrFlex, [try fixture("generic-holdings.csv")]) == [
                #"generic-holdings.csv: matches no ibkr-flex layout: it lacks the columns "Quantity", "CostBasisMoney", "MarkPrice", "OpenDateTime", "LevelOfDetail" (the closest row is line 1; columns are matched by name, in any order and case)"#
            ])
        // An unclosed quote runs to the end of the file (SwiftCSV's reading): the row lacks its cells.
        #expect(
            refusal(.generic, [("quote.csv", "account,symbol,shares,costBasis,acquired\nb,\"VTI,1,2,2020-01-01\n")]).first
                == #"quote.csv:2: column "shares": expected a number of shares such as 12.5 or 1,200.25, got an empty cell"#)
        #expect(
            refusal(.generic, [("g.csv", "account,type,symbol,shares,costBasis,acquired,id\nb,ira,VTI,1,2,2020-01-01,A\nb,taxable,VTI,1,2,2020-01-01,A\nc,taxable,VTI,1,2,2020-01-01,\nc,taxExempt,BND,1,2,2020-01-01,\n")])
                == [
                    #"g.csv:2: column "type": expected taxable, taxDeferred or taxExempt, got "ira""#,
                    #"g.csv:3: column "id": duplicate lot id "A" (also line 2)"#,
                    #"g.csv:5: column "type": account "c" is taxable on line 4, taxExempt here"#,
                ])
        #expect(ImportFormat.unknown("fidelity") == #"unknown format "fidelity"; the formats are schwab-lots, schwab-realized, ibkr-flex, generic"#)
        #expect(
            refusal(.schwabLots, [("x.csv", "\"Open Date\",\"Quantity\",\"Price\",\"Cost Basis\"\n01/02/2020,1,$5,$4\n")]) == [
                #"x.csv:1: no symbol: expected a title line "SYMBOL Lot Details for …" above the header, or a "Symbol" column"#
            ])
    }

    @Test func aSymbolWithoutAPriceIsRefusedAtItsFirstLot() throws {
        let p = try Importer.read(
            .generic, files: [("g.csv", "account,symbol,shares,costBasis,acquired\nb,VTI,1,2,2020-01-01\n")], asOf: asOf)
        #expect(throws: ImportFailure.self) { try ImportWriter.newScenario(p, asOf: asOf) }
        #expect(
            p.missingPrices(scenarioPrices: [:]).map(\.description) == [
                #"g.csv:2: no price for "VTI": the export has none; add a price column, or import --into a scenario whose prices list it"#
            ])
        #expect(p.missingPrices(scenarioPrices: ["VTI": 300]).isEmpty)
    }
}

@Suite struct ImportWriterTests {
    @Test func eachNewScenarioValidatesAndPlans() throws {
        for (format, files) in [
            (ImportFormat.schwabLots, ["schwab-VTI-lots.csv", "schwab-VXUS-lots.csv"]),
            (.ibkrFlex, ["ibkr-open-positions.csv"]), (.generic, ["generic-holdings.csv"]),
        ] {
            let text = try ImportWriter.newScenario(try read(format, files), asOf: asOf)
            for file in files { #expect(text.contains("#   \(file)\n"), "the comment names \(file)") }
            let household = try validatesAndPlans(text)
            // The starting pie is what is held: VTI 12.5 × 300 = 3,750 and VXUS 120.125 × 62.5 =
            // 7,507.8125 of 11,257.8125: 33.31% and 66.69%.
            if format == .schwabLots {
                #expect(household.scenario.pie?.targetFractions.mapValues { ($0 * 10_000).rounded() } == ["VTI": 3331, "VXUS": 6669])
            }
        }
    }

    @Test func weightsSumToExactlyOneHundred() throws {
        // Three equal holdings: 33.33 each rounds to 99.99; the largest (first) takes the 0.01.
        let p = try Importer.read(
            .generic,
            files: [("g.csv", "account,symbol,shares,costBasis,acquired,price\nb,A,1,1,2020-01-01,1\nb,B,1,1,2020-01-01,1\nb,C,1,1,2020-01-01,1\n")],
            asOf: asOf)
        #expect(ImportWriter.currentWeights(p).map(\.1) == ["33.34", "33.33", "33.33"])
    }

    @Test func intoKeepsPiesAndSettingsByteForByteAndPlans() throws {
        let original = try fixture("household.yaml").text
        let scenario = try ScenarioLoader.parse(Data(original.utf8), format: .yaml, source: "household.yaml")
        let lots = try read(.schwabLots, ["schwab-VTI-lots.csv", "schwab-VXUS-lots.csv"], account: "brokerage")
        let first = try ImportWriter.merge(into: original, path: "household.yaml", scenario: scenario, lots, asOf: nil)
        let afterLots = try ScenarioLoader.parse(Data(first.utf8), format: .yaml, source: "x.yaml")
        let realized = try read(.schwabRealized, ["schwab-realized.csv"], account: "brokerage")
        let second = try ImportWriter.merge(into: first, path: "x.yaml", scenario: afterLots, realized, asOf: nil)

        // Everything but the brokerage lots, the prices line, the stamps and the new tax and
        // recentSales lines is the original, line for line and in order: the pies (household and
        // Roth), the settings, comments and blank lines.
        let originalLines = original.components(separatedBy: "\n")
        let kept = originalLines.filter { !$0.hasPrefix("prices:") && !$0.contains("{symbol: VTI, shares: 1,") }
        let out = second.components(separatedBy: "\n")
        var i = 0
        for line in out where i < kept.count && line == kept[i] { i += 1 }
        #expect(i == kept.count, "original line not kept in order: \(i < kept.count ? kept[i] : "")")
        let pie = originalLines[originalLines.firstIndex(of: "pie:")!..<originalLines.firstIndex(of: "accounts:")!]
        #expect(second.contains(pie.joined(separator: "\n") + "\n"))
        let rothPie = originalLines[originalLines.firstIndex(of: "    pie:")!...originalLines.firstIndex(of: "        - {symbol: BND, weight: 40}")!]
        #expect(second.contains(rothPie.joined(separator: "\n") + "\n"))
        #expect(second.contains("  shortTermRate: 0.32   # our bracket\n  longTermRate: 0.15\n  realizedThisYear: {shortTerm: -840, longTerm: 1200}\n"))
        #expect(second.contains("recentSales:\n  - {account: brokerage, symbol: VEA, shares: 120, loss: 840, sold: 2026-11-10}\n"))
        // The scenario's prices win; the export adds the one it lacks.
        #expect(second.contains("prices: {VTI: 301.25, VEA: 50.00, BND: 72.10, VXUS: 62.5}\n"))

        let household = try validatesAndPlans(second)
        #expect(household.scenario.accounts[0].lots.count == 4 && household.scenario.accounts[1].lots.isEmpty)
        #expect(household.scenario.accounts[0].cash == 1500)
        // VEA (20% of the household pie) was sold at a loss on 2026-11-10: blocked until 12-11.
        for strategy in ["full", "m1"] {
            let r = PlanReport(Planner().plan(household, strategy: try Strategy(parsing: strategy)), household: household)
            #expect(!r.trades.contains { $0.symbol == "VEA" && $0.action == .buy })
            #expect(r.notes.contains(.blocked(symbol: "VEA", until: Day("2026-12-11")!)))
        }

        // Importing the same exports again changes nothing but nothing (idempotent).
        let again = try ImportWriter.merge(
            into: second, path: "x.yaml", scenario: try ScenarioLoader.parse(Data(second.utf8), format: .yaml, source: "x.yaml"),
            lots, asOf: nil)
        #expect(again == second)
    }

    @Test func intoAddsNewAccountsAndBlocksAndMovesAsOf() throws {
        let original = try fixture("household.yaml").text
        let scenario = try ScenarioLoader.parse(Data(original.utf8), format: .yaml, source: "household.yaml")
        let ibkr = try read(.ibkrFlex, ["ibkr-open-positions.csv"])
        let text = try ImportWriter.merge(
            into: original, path: "household.yaml", scenario: scenario, ibkr, asOf: Day("2026-11-21"))
        #expect(text.contains("\nasOf: 2026-11-21\n"))
        #expect(text.contains("    lots: []\n  - id: U1234567\n    type: taxable\n    cash: 0\n    lots:\n      - {symbol: VTI, shares: 10,"))
        let household = try validatesAndPlans(text)
        #expect(household.scenario.accounts.map(\.id) == ["brokerage", "roth", "U1234567", "U7654321"])
        #expect(household.scenario.accounts[0].lots.count == 1)  // not in the export: kept

        // A later asOf drops the recent sales it leaves more than 30 days behind: VEA sold on
        // 2026-11-10 is 31 days before 2026-12-11, BND on 11-15 only 26.
        let withSales = original.replacingOccurrences(
            of: "prices:",
            with: "recentSales:\n  - {account: brokerage, symbol: VEA, shares: 1, loss: 5, sold: 2026-11-10}\n"
                + "  - {account: brokerage, symbol: BND, shares: 1, loss: 5, sold: 2026-11-15}\nprices:")
        let later = try ImportWriter.merge(
            into: withSales, path: "s.yaml",
            scenario: try ScenarioLoader.parse(Data(withSales.utf8), format: .yaml, source: "s.yaml"), ibkr,
            asOf: Day("2026-12-11"))
        #expect(later.contains("\nrecentSales:\n  - {account: brokerage, symbol: BND, shares: 1, loss: 5, sold: 2026-11-15}\nprices:"))
        #expect(try validatesAndPlans(later).scenario.recentSales.map(\.symbol) == ["BND"])

        // A scenario written in flow style cannot be edited line by line.
        let flow = original.replacingOccurrences(
            of: "  - id: brokerage\n    type: taxable\n    cash: 1500\n    lots:\n      - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2020-01-02}\n",
            with: "  - {id: U1234567, type: taxable, cash: 1500, lots: []}\n")
        let flowScenario = try ScenarioLoader.parse(Data(flow.utf8), format: .yaml, source: "f.yaml")
        #expect(throws: ImportFailure.self) {
            try ImportWriter.merge(into: flow, path: "f.yaml", scenario: flowScenario, ibkr, asOf: nil)
        }
    }
}

@Suite struct ImportRobustnessTests {
    /// Fixtures edited at random (a fixed seed): every import is read or refused, and what is
    /// read is written (new, and into the household) without a crash; whatever is written then
    /// either reads back or is refused with messages, as the command does.
    @Test func mutatedExportsAreReadOrRefusedNeverCrash() throws {
        let sources: [(ImportFormat, String)] = [
            (.schwabLots, "schwab-VTI-lots.csv"), (.schwabLots, "schwab-VXUS-lots.csv"),
            (.schwabRealized, "schwab-realized.csv"), (.ibkrFlex, "ibkr-open-positions.csv"), (.generic, "generic-holdings.csv"),
        ]
        let texts = try sources.map { try fixture($0.1).text }
        let household = try fixture("household.yaml").text
        let scenario = try ScenarioLoader.parse(Data(household.utf8), format: .yaml, source: "household.yaml")
        let pieces: [String] = [",", "\"", "\n", "\r\n", "$", "(", ")", "-", ".", "/", "0", "9", "1,000", " ", "é", "\u{FEFF}", ";", "--", "Total", "e", "1\u{301}"]
        var state: UInt64 = 0x1234_5678
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var accepted = 0, refused = 0
        for _ in 0..<400 {
            let s = next(sources.count)
            var characters = Array(texts[s])
            for _ in 0...next(4) {
                let at = next(characters.count + 1)
                switch next(3) {
                case 0 where at < characters.count: characters.remove(at: at)
                case 1: characters.insert(contentsOf: pieces[next(pieces.count)], at: at)
                default: characters.insert(contentsOf: characters[at..<min(characters.count, at + next(40))], at: at)
                }
            }
            do throws(ImportFailure) {
                let portfolio = try Importer.read(sources[s].0, files: [("m.csv", String(characters))], asOf: asOf)
                accepted += 1
                for text in [
                    try? ImportWriter.newScenario(portfolio, asOf: asOf),
                    try? ImportWriter.merge(into: household, path: "h.yaml", scenario: scenario, portfolio, asOf: nil),
                ] {
                    guard let text else { continue }
                    _ = try? ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: "out.yaml")
                }
            } catch {
                refused += 1
                #expect(error.problems.allSatisfy { !$0.message.isEmpty })
            }
        }
        #expect(accepted > 50 && refused > 50, "accepted \(accepted), refused \(refused)")

        // Scenarios edited at random, those still valid imported into.
        let portfolios = [
            try read(.ibkrFlex, ["ibkr-open-positions.csv"]),
            try read(.schwabLots, ["schwab-VTI-lots.csv"], account: "brokerage"),
            try read(.schwabRealized, ["schwab-realized.csv"], account: "brokerage"),
        ]
        let lines = household.components(separatedBy: "\n")
        let extra = [
            "recentSales: []", "# note", "", "    lots: []", "  - id: ira", "    type: taxDeferred", "tax: {longTermRate: 0.2}",
            "prices:", "  VTI: 300", "---", "    lots:", "      - {symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-02}",
            "# Imported by rebalance import ibkr-flex: x.csv",
        ]
        var valid = 0
        for _ in 0..<600 {
            var edited = lines
            for _ in 0...next(3) {
                let at = next(edited.count)
                switch next(3) {
                case 0: edited.remove(at: at)
                case 1: edited.insert(extra[next(extra.count)], at: at)
                default: edited.insert(edited[at], at: at)
                }
            }
            let text = edited.joined(separator: "\n")
            guard let edited = try? ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: "e.yaml") else { continue }
            valid += 1
            for portfolio in portfolios {
                guard let merged = try? ImportWriter.merge(into: text, path: "e.yaml", scenario: edited, portfolio, asOf: nil)
                else { continue }
                _ = try? ScenarioLoader.parse(Data(merged.utf8), format: .yaml, source: "out.yaml")
            }
        }
        #expect(valid > 30, "only \(valid) edited scenarios were valid")
    }
}

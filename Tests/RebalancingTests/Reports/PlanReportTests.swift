import Foundation
import Testing

@testable import Rebalancing

// What a plan's report tells the user beyond its trades: notes, the loss carried forward, the
// assumptions, and sales outside taxable accounts. Plans here are written by hand (not solved),
// so the figures depend on the report alone.

/// asOf 2026-11-20, rates 35% / 15% given, the rest default. Household lot order (the index of
/// `sharesSold`) is the order below. No lot is acquired within 30 days of asOf (no look-back).
private func notesHousehold(tax extra: String = "") throws -> Household {
    try household(
        """
        asOf: 2026-11-20
        tax: {shortTermRate: 0.35, longTermRate: 0.15\(extra)}
        prices: {NVDA: 290, AMD: 150, VXUS: 50, BND: 70}
        pie:
          slices:
            - {symbol: NVDA, weight: 25}
            - {symbol: AMD, weight: 25}
            - {symbol: VXUS, weight: 25}
            - {symbol: BND, weight: 25}
        accounts:
          - id: brokerage
            type: taxable
            lots:
              - {id: N-1, symbol: NVDA, shares: 10, costBasis: 1000, acquired: 2025-12-10}  # 0: ST gain 1,900; long-term on 2026-12-11, 21 days on
              - {symbol: NVDA, shares: 10, costBasis: 1000, acquired: 2021-03-01}           # 1: LT gain 1,900
              - {symbol: AMD, shares: 10, costBasis: 1000, acquired: 2026-01-18}            # 2: ST gain 500; long-term on 2027-01-19, 60 days on
              - {symbol: AMD, shares: 10, costBasis: 1000, acquired: 2026-01-19}            # 3: ST gain 500; long-term on 2027-01-20, 61 days on
              - {symbol: VXUS, shares: 20, costBasis: 1200, acquired: 2026-03-02}           # 4: ST loss 200
              - {symbol: VXUS, shares: 20, costBasis: 1100, acquired: 2025-12-01}           # 5: ST loss 100, long-term on 2026-12-02
          - id: 401k
            type: taxDeferred
            lots:
              - {symbol: NVDA, shares: 10, costBasis: 1000, acquired: 2025-12-10}           # 6: ST gain 1,900, not taxable
              - {symbol: BND, shares: 10, costBasis: 800, acquired: 2025-12-10}             # 7: loss 100, not taxable
        """)
}

private func sellEverything(_ household: Household) -> PlanReport {
    let plan = Plan(
        strategy: Strategy(name: "full", kind: .full), status: .optimal,
        sharesSold: household.lots.map(\.shares), purchases: [])
    return PlanReport(plan, household: household)
}

@Suite("Plan report: notes, carryforward, assumptions")
struct PlanReportTests {
    @Test func longTermOnIsTheDayAfterTheAnniversary() {
        // Long-term iff asOf > the same day a year later, so the first long-term day is the day after.
        #expect(Day("2025-12-10")!.longTermOn == Day("2026-12-11"))
        // 29 February counts as 28 February: 2025-02-28, then 1 March.
        #expect(Day("2024-02-29")!.longTermOn == Day("2025-03-01"))
        // Into a leap year: 2024-02-28, then 29 February.
        #expect(Day("2023-02-28")!.longTermOn == Day("2024-02-29"))
        #expect(Day("2026-12-31")!.longTermOn == Day("2028-01-01"))
        #expect(Day("2026-11-20")!.adding(days: 31) == Day("2026-12-21"))
    }

    @Test func notesOfEverySaleKind() throws {
        let report = sellEverything(try notesHousehold())
        // Trades come account by account, symbols alphabetically: brokerage AMD, NVDA, VXUS, then 401k.
        // nearLongTerm: lot 2 (AMD, 60 days: within) saves 500 × (0.35 − 0.15) = 100.00; lot 0 (NVDA)
        // saves 1,900 × 0.20 = 380.00. Not lot 3 (61 days), not lot 1 (long-term), not lot 5 (a loss),
        // not lot 6 (tax-deferred).
        // doNotRebuyUntil: VXUS sold at a loss in a taxable account, asOf + 31 = 2026-12-21; BND's
        // loss is in the 401k: no note.
        #expect(
            report.notes.map { $0.json.serialized() } == [
                #"{"kind":"nearLongTerm","account":"brokerage","symbol":"AMD","acquired":"2026-01-18","longTermOn":"2027-01-19","taxSavedByWaiting":100.00}"#,
                #"{"kind":"nearLongTerm","account":"brokerage","symbol":"NVDA","id":"N-1","acquired":"2025-12-10","longTermOn":"2026-12-11","taxSavedByWaiting":380.00}"#,
                #"{"kind":"doNotRebuyUntil","symbol":"VXUS","until":"2026-12-21"}"#,
            ])
        #expect(
            report.notes[1].text
                == "In brokerage, NVDA lot 2025-12-10 (N-1) turns long-term on 2026-12-11: waiting saves $380.00.")
        #expect(report.notes[2].text.contains("do not buy it before 2026-12-21"))
        // In the PLAN, after the summary.
        let plan = report.json.serialized()
        #expect(plan.contains(#""notes":[{"kind":"nearLongTerm""#))
        #expect(!plan.contains("assumptions"))
    }

    @Test func noSalesNoNotesButTheFieldIsThere() throws {
        let household = try notesHousehold()
        let none = PlanReport(.none(Strategy(name: "full", kind: .full), household, status: .infeasible), household: household)
        #expect(none.notes.isEmpty)
        #expect(none.json.serialized().contains(#""notes":[]"#))
    }

    @Test func aPartialSaleNotesTheGainSold() throws {
        let household = try notesHousehold()
        var sold = [Double](repeating: 0, count: household.lots.count)
        sold[0] = 2.5  // 2.5 × 190 = 475 of gain: 475 × 0.20 = 95.00 saved by waiting.
        let report = PlanReport(
            Plan(strategy: Strategy(name: "full", kind: .full), status: .optimal, sharesSold: sold, purchases: []),
            household: household)
        guard case .nearLongTerm(_, _, _, _, _, let saved) = try #require(report.notes.first) else {
            Issue.record("expected a nearLongTerm note")
            return
        }
        #expect(close(saved, 95))
        #expect(report.notes.count == 1)
    }

    @Test func salesOutsideTaxableAccountsAreNotTaxable() throws {
        let report = sellEverything(try notesHousehold())
        let nvda401k = try #require(report.trade("401k", "NVDA", .sell))
        #expect(nvda401k.lots.allSatisfy { !$0.isTaxable })
        #expect(nvda401k.lots[0].taxTreatment == "not taxable (tax-deferred)")
        let brokerage = try #require(report.trade("brokerage", "NVDA", .sell))
        #expect(brokerage.lots.map(\.taxTreatment) == ["short-term", "long-term"])
        // JSON keeps the term and says taxable: false, only on such lots.
        #expect(
            nvda401k.json.serialized()
                == #"{"account":"401k","symbol":"NVDA","action":"sell","shares":10,"amount":2900.00,"lots":[{"acquired":"2025-12-10","shares":10,"gain":1900.00,"term":"short","taxable":false}]}"#
        )
        #expect(!brokerage.json.serialized().contains("taxable"))
        // The realized gains count taxable sales only: ST 1,900 + 500 + 500 − 200 − 100 = 2,600; LT 1,900.
        #expect(close(report.summary.realizedShortTerm, 2600))
        #expect(close(report.summary.realizedLongTerm, 1900))
    }

    @Test func carryforwardAfterInTheSummary() throws {
        // Carryforward in ST 10,000: S = 2,600 − 10,000 = −7,400, L = 1,900: S < 0 ≤ L, net loss 5,500,
        // 3,000 deducted, 2,500 carried short-term.
        let report = sellEverything(try notesHousehold(tax: ", carryforwardLoss: {shortTerm: 10000}"))
        #expect(close(report.summary.carryforwardAfter.shortTerm, 2500))
        #expect(report.summary.carryforwardAfter.longTerm == 0)
        #expect(
            report.summary.json.serialized().contains(
                #""estimatedTax":"# + Money.fixed(report.summary.estimatedTax, places: 2)
                    + #","carryforwardAfter":{"shortTerm":2500.00,"longTerm":0.00},"cashAfter""#))
    }

    @Test func assumptionsSayWhichValuesAreDefaults() throws {
        let report = sellEverything(try notesHousehold(tax: ", realizedThisYear: {longTerm: 1234.5}"))
        #expect(report.assumptions.defaults == [.carryforwardLoss, .ordinaryOffsetLimit, .tradingCost])
        #expect(
            report.assumptions.json.serialized()
                == #"{"shortTermRate":0.35,"longTermRate":0.15,"ordinaryOffsetLimit":3000.00,"realizedThisYear":{"shortTerm":0.00,"longTerm":1234.50},"carryforwardLoss":{"shortTerm":0.00,"longTerm":0.00},"tradingCost":0.001,"defaults":["carryforwardLoss","ordinaryOffsetLimit","tradingCost"]}"#
        )
        #expect(
            report.assumptions.lines.map { "\($0.label): \($0.value)" } == [
                "Tax rates: short-term 35%, long-term 15%",
                "Offset limit: $3,000.00 of net loss a year against ordinary income (default)",
                "Realized this year: short-term $0.00, long-term $1,234.50",
                "Carryforward in: short-term $0.00, long-term $0.00 (default)",
                "Trading cost: 0.1% of every dollar traded, weighed only among plans equal in tax (default)",
            ])
        // With no tax mapping at all, everything is a default.
        #expect(Assumptions(TaxSettings()).defaults == TaxSettings.Key.allCases)
        // plan --format json states them last.
        let json = report.json(withAssumptions: true).serialized()
        #expect(json.hasSuffix(#","assumptions":"# + report.assumptions.json.serialized() + "}"))
    }

    @Test func comparisonGroupsNotesAndStatesAssumptionsOnce() throws {
        let household = try notesHousehold()
        let comparison = Comparison(household, name: "n", strategies: [Strategy(name: "full", kind: .full)])
        let json = comparison.json.serialized()
        #expect(json.hasPrefix(#"{"scenario":"n","assumptions":{"shortTermRate":0.35"#))
        #expect(json.components(separatedBy: "\"assumptions\"").count == 2)
    }
}

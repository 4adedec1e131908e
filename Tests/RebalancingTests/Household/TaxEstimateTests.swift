import Foundation
import Testing

import LinearProgramming
@testable import Rebalancing

// Tests of docs/tax-model.md (the tax estimate) and of money formatting (output rounding, docs/output.md).

private func taxSettings(
    shortTermRate: Double = 0.35, longTermRate: Double = 0.15,
    realized: TermAmounts = TermAmounts(), carryforward: TermAmounts = TermAmounts(), limit: Double = 3000
) -> TaxSettings {
    var s = TaxSettings()
    s.shortTermRate = shortTermRate
    s.longTermRate = longTermRate
    s.realizedThisYear = realized
    s.carryforwardLoss = carryforward
    s.ordinaryOffsetLimit = limit
    return s
}

private func taxClose(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 }

@Suite("Tax estimate")
struct TaxEstimateTests {
    // Default rates throughout unless stated: rST = 0.35, rLT = 0.15, limit 3,000.

    // MARK: Tax(S, L), branch by branch

    @Test func bothNonNegative() {
        // 0.35·1000 + 0.15·2000 = 350 + 300 = 650.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 1000, longTerm: 2000, taxSettings()), 650))
        // Only long-term: 0.15·500 = 75.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 0, longTerm: 500, taxSettings()), 75))
        // Only short-term: 0.35·400 = 140.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 400, longTerm: 0, taxSettings()), 140))
        // Nothing: 0.
        #expect(TaxEstimate.tax(shortTerm: 0, longTerm: 0, taxSettings()) == 0)
    }

    @Test func shortTermLossAgainstLongTermGain() {
        // S = −500 < 0 ≤ L = 2000, S + L = 1500 ≥ 0: the net is long-term, 0.15·1500 = 225.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -500, longTerm: 2000, taxSettings()), 225))
    }

    @Test func longTermLossAgainstShortTermGain() {
        // L = −500 < 0 ≤ S = 2000, S + L = 1500 ≥ 0: the net is short-term, 0.35·1500 = 525.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 2000, longTerm: -500, taxSettings()), 525))
    }

    @Test func netLossBelowTheLimit() {
        // S + L = −1000 − 500 = −1500 > −3000: −0.35·1500 = −525.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -1000, longTerm: -500, taxSettings()), -525))
        // Mixed signs with a net loss: S = 200, L = −900: S + L = −700: −0.35·700 = −245.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 200, longTerm: -900, taxSettings()), -245))
        // S = −900, L = 200: also −245 (the net loss offsets ordinary income at rST either way).
        #expect(taxClose(TaxEstimate.tax(shortTerm: -900, longTerm: 200, taxSettings()), -245))
        // A loss on one side only: S = 0, L = −100: −35.
        #expect(taxClose(TaxEstimate.tax(shortTerm: 0, longTerm: -100, taxSettings()), -35))
    }

    @Test func netLossAboveTheLimitIsCapped() {
        // S + L = −10000 + 2000 = −8000: only 3,000 offsets ordinary income: −0.35·3000 = −1050.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -10_000, longTerm: 2000, taxSettings()), -1050))
        // Exactly at the limit: S + L = −3000: −1050.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -1000, longTerm: -2000, taxSettings()), -1050))
        // A custom limit of 1,000: S + L = −5000 → −0.35·1000 = −350.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -5000, longTerm: 0, taxSettings(limit: 1000)), -350))
        // A limit of 0: no loss is deductible.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -5000, longTerm: 0, taxSettings(limit: 0)), 0))
    }

    @Test func netZeroBoundary() {
        // S + L = 0 with S < 0 ≤ L: 0.15·0 = 0; with L < 0 ≤ S: 0.35·0 = 0.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -700, longTerm: 700, taxSettings()), 0))
        #expect(taxClose(TaxEstimate.tax(shortTerm: 700, longTerm: -700, taxSettings()), 0))
    }

    @Test func customRates() {
        // rST 0.32, rLT 0.20: S = 1000, L = −250: net 750 short-term → 0.32·750 = 240.
        let s = taxSettings(shortTermRate: 0.32, longTermRate: 0.20)
        #expect(taxClose(TaxEstimate.tax(shortTerm: 1000, longTerm: -250, s), 240))
        // S = −250, L = 1000: net 750 long-term → 0.20·750 = 150.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -250, longTerm: 1000, s), 150))
        // S = −4000, L = 0: −0.32·3000 = −960.
        #expect(taxClose(TaxEstimate.tax(shortTerm: -4000, longTerm: 0, s), -960))
    }

    // MARK: The incremental estimate

    @Test func planAloneNoHistory() {
        // Without the plan: S = L = 0 → 0. With: S = 1000, L = 2000 → 650 (as above).
        let e = TaxEstimate(taxSettings(), planShortTerm: 1000, planLongTerm: 2000)
        #expect(e.planShortTerm == 1000)
        #expect(e.planLongTerm == 2000)
        #expect(e.netShortTerm == 1000)
        #expect(e.netLongTerm == 2000)
        #expect(taxClose(e.taxWithoutPlan, 0))
        #expect(taxClose(e.taxWithPlan, 650))
        #expect(taxClose(e.incremental, 650))
    }

    @Test func noTradesMeansNoIncrementalTax() {
        let e = TaxEstimate(
            taxSettings(realized: TermAmounts(shortTerm: -5000, longTerm: 1200), carryforward: TermAmounts(longTerm: 300)),
            planShortTerm: 0, planLongTerm: 0)
        #expect(e.incremental == 0)
    }

    @Test func harvestedLossAloneSavesAtTheShortTermRate() {
        // A plan realizing a 1,000 long-term loss, nothing else this year: S + L = −1000 → −350.
        let e = TaxEstimate(taxSettings(), planShortTerm: 0, planLongTerm: -1000)
        #expect(taxClose(e.incremental, -350))
    }

    @Test func gainAbsorbsLossesRealizedEarlierThisYear() {
        // realized ST −2000, plan ST +1000.
        // Without: S = −2000 → −0.35·2000 = −700. With: S = −1000 → −350.
        // Incremental = −350 − (−700) = 350: the gain uses up loss that would have offset ordinary income.
        let e = TaxEstimate(taxSettings(realized: TermAmounts(shortTerm: -2000)), planShortTerm: 1000, planLongTerm: 0)
        #expect(e.netShortTerm == -1000)
        #expect(taxClose(e.taxWithoutPlan, -700))
        #expect(taxClose(e.taxWithPlan, -350))
        #expect(taxClose(e.incremental, 350))
    }

    @Test func carryforwardAbsorbsPartOfThePlansGain() {
        // realized ST 5000, carryforward LT 1500, plan LT +2000.
        // Without: S = 5000, L = −1500, S + L = 3500 ≥ 0 with L < 0 ≤ S → 0.35·3500 = 1225.
        // With:    S = 5000, L = 500 → 0.35·5000 + 0.15·500 = 1750 + 75 = 1825.
        // Incremental = 1825 − 1225 = 600 (1500 of the gain displaces the carryforward at 0.35, the
        // other 500 is taxed at 0.15: 525 + 75).
        let e = TaxEstimate(
            taxSettings(realized: TermAmounts(shortTerm: 5000), carryforward: TermAmounts(longTerm: 1500)),
            planShortTerm: 0, planLongTerm: 2000)
        #expect(e.netShortTerm == 5000)
        #expect(e.netLongTerm == 500)
        #expect(taxClose(e.taxWithoutPlan, 1225))
        #expect(taxClose(e.taxWithPlan, 1825))
        #expect(taxClose(e.incremental, 600))
    }

    @Test func carryforwardAloneAgainstThePlansGain() {
        // carryforward LT 1500, plan LT +2000, nothing else.
        // Without: L = −1500 → −0.35·1500 = −525. With: L = 500 → 0.15·500 = 75.
        // Incremental = 75 − (−525) = 600.
        let e = TaxEstimate(taxSettings(carryforward: TermAmounts(longTerm: 1500)), planShortTerm: 0, planLongTerm: 2000)
        #expect(taxClose(e.taxWithoutPlan, -525))
        #expect(taxClose(e.taxWithPlan, 75))
        #expect(taxClose(e.incremental, 600))
    }

    @Test func largeCarryforwardMakesTheGainFree() {
        // carryforward LT 10,000, plan LT +2000.
        // Without: L = −10,000 → capped at −0.35·3000 = −1050. With: L = −8000 → still −1050.
        // Incremental = 0: the gain only eats carryforward that could not be deducted this year anyway.
        let e = TaxEstimate(taxSettings(carryforward: TermAmounts(longTerm: 10_000)), planShortTerm: 0, planLongTerm: 2000)
        #expect(taxClose(e.taxWithoutPlan, -1050))
        #expect(taxClose(e.taxWithPlan, -1050))
        #expect(taxClose(e.incremental, 0))
    }

    @Test func shortTermCarryforwardNetsAgainstShortTermPlanGain() {
        // carryforward ST 400, plan ST 1000: with S = 600 → 0.35·600 = 210; without S = −400 → −140.
        // Incremental = 210 + 140 = 350 (the whole 1,000 at 0.35 either way).
        let e = TaxEstimate(taxSettings(carryforward: TermAmounts(shortTerm: 400)), planShortTerm: 1000, planLongTerm: 0)
        #expect(e.netShortTerm == 600)
        #expect(taxClose(e.taxWithPlan, 210))
        #expect(taxClose(e.taxWithoutPlan, -140))
        #expect(taxClose(e.incremental, 350))
    }

    @Test func planLossAgainstGainsRealizedThisYear() {
        // realized LT +1000, plan ST −3000.
        // Without: L = 1000 → 150. With: S = −3000, L = 1000, S + L = −2000 → −0.35·2000 = −700.
        // Incremental = −700 − 150 = −850.
        let e = TaxEstimate(taxSettings(realized: TermAmounts(longTerm: 1000)), planShortTerm: -3000, planLongTerm: 0)
        #expect(taxClose(e.taxWithoutPlan, 150))
        #expect(taxClose(e.taxWithPlan, -700))
        #expect(taxClose(e.incremental, -850))
    }

    @Test func mixedPlanCrossingBranches() {
        // realized ST 800, LT −200; carryforward ST 300; plan ST −1500, LT 2500.
        // Without: S = 800 − 300 = 500, L = −200: L < 0 ≤ S, S + L = 300 → 0.35·300 = 105.
        // With: S = 500 − 1500 = −1000, L = −200 + 2500 = 2300: S < 0 ≤ L, S + L = 1300 → 0.15·1300 = 195.
        // Incremental = 195 − 105 = 90.
        let e = TaxEstimate(
            taxSettings(realized: TermAmounts(shortTerm: 800, longTerm: -200), carryforward: TermAmounts(shortTerm: 300)),
            planShortTerm: -1500, planLongTerm: 2500)
        #expect(e.netShortTerm == -1000)
        #expect(e.netLongTerm == 2300)
        #expect(taxClose(e.taxWithoutPlan, 105))
        #expect(taxClose(e.taxWithPlan, 195))
        #expect(taxClose(e.incremental, 90))
    }

    // MARK: Loss carried to next year, by character (docs/tax-model.md), branch by branch

    private func carried(_ s: Double, _ l: Double, limit: Double = 3000) -> TermAmounts {
        TaxEstimate.carryforward(shortTerm: s, longTerm: l, limit: limit)
    }

    @Test func nothingIsCarriedWithoutANetLoss() {
        // S + L ≥ 0 in every branch of T: both gains; S < 0 ≤ L; L < 0 ≤ S; exactly zero.
        #expect(carried(1000, 2000) == TermAmounts())
        #expect(carried(-5000, 6000) == TermAmounts())
        #expect(carried(6000, -5000) == TermAmounts())
        #expect(carried(-700, 700) == TermAmounts())
        #expect(carried(0, 0) == TermAmounts())
    }

    @Test func bothLossesUseTheLimitShortTermFirst() {
        // S = −1000, L = −5000: the limit's 3,000 takes the 1,000 short-term first, then 2,000 of
        // the long-term. Short-term max(0, 1000 − 3000) = 0; long-term max(0, 5000 − max(0, 3000 − 1000))
        // = 5000 − 2000 = 3000. Total 3,000 = 6,000 − 3,000.
        #expect(carried(-1000, -5000) == TermAmounts(shortTerm: 0, longTerm: 3000))
        // S = −4000, L = −500: short-term 4000 − 3000 = 1000; the limit is used up, max(0, 3000 − 4000)
        // = 0, so long-term 500 − 0 = 500. Total 1,500 = 4,500 − 3,000.
        #expect(carried(-4000, -500) == TermAmounts(shortTerm: 1000, longTerm: 500))
        // S = −1000, L = −1500: 2,500 ≤ 3,000, nothing carried: 0 and max(0, 1500 − 2000) = 0.
        #expect(carried(-1000, -1500) == TermAmounts())
        // A limit of 0 deducts nothing: everything is carried, by character.
        #expect(carried(-100, -50, limit: 0) == TermAmounts(shortTerm: 100, longTerm: 50))
    }

    @Test func aLongTermGainAbsorbsShortTermLossFirst() {
        // S < 0 ≤ L: S = −8000, L = 2000: net loss 6,000, 3,000 deducted, 3,000 carried short-term.
        #expect(carried(-8000, 2000) == TermAmounts(shortTerm: 3000, longTerm: 0))
        // S = −4000, L = 2000: net loss 2,000 ≤ 3,000: nothing carried (−(S+L) − limit = −1000 < 0).
        #expect(carried(-4000, 2000) == TermAmounts())
        // L = 0 counts as "0 ≤ L": S = −5000 → 2,000 short-term.
        #expect(carried(-5000, 0) == TermAmounts(shortTerm: 2000, longTerm: 0))
    }

    @Test func aShortTermGainAbsorbsLongTermLossFirst() {
        // L < 0 ≤ S: S = 1000, L = −6000: net loss 5,000, 2,000 carried long-term.
        #expect(carried(1000, -6000) == TermAmounts(shortTerm: 0, longTerm: 2000))
        // S = 1000, L = −3500: net loss 2,500: nothing carried.
        #expect(carried(1000, -3500) == TermAmounts())
        // S = 0: L = −5000 → 2,000 long-term.
        #expect(carried(0, -5000) == TermAmounts(shortTerm: 0, longTerm: 2000))
    }

    @Test func theEstimateCarriesFromTheNetWithThePlan() {
        // carryforward in ST 10,000, realized LT +500, plan LT −1,500 → S = −10,000, L = −1,000.
        // Both losses: short-term 10,000 − 3,000 = 7,000; long-term 1,000 − max(0, 3,000 − 10,000) = 1,000.
        let e = TaxEstimate(
            taxSettings(realized: TermAmounts(longTerm: 500), carryforward: TermAmounts(shortTerm: 10_000)),
            planShortTerm: 0, planLongTerm: -1500)
        #expect(e.carryforwardAfter == TermAmounts(shortTerm: 7000, longTerm: 1000))
        // A plan gain that uses up a carryforward: carryforward LT 1,500, plan LT +2,000 → L = 500: none left.
        let used = TaxEstimate(taxSettings(carryforward: TermAmounts(longTerm: 1500)), planShortTerm: 0, planLongTerm: 2000)
        #expect(used.carryforwardAfter == TermAmounts())
    }
}

extension TaxEstimateTests {
@Suite("Money formatting")
struct MoneyFormatting {
    @Test func dollarsWithThousandsSeparators() {
        #expect(Money.format(1234.56) == "$1,234.56")
        #expect(Money.format(0) == "$0.00")
        #expect(Money.format(5) == "$5.00")
        #expect(Money.format(999.99) == "$999.99")
        #expect(Money.format(1000) == "$1,000.00")
        #expect(Money.format(1_234_567.5) == "$1,234,567.50")
        #expect(Money.format(12_345_678_901) == "$12,345,678,901.00")
    }

    @Test func negatives() {
        #expect(Money.format(-12) == "-$12.00")
        #expect(Money.format(-1234.56) == "-$1,234.56")
        #expect(Money.format(-0.01) == "-$0.01")
    }

    @Test func roundingHalfCents() {
        // Exactly representable halves (1/8, 3/8, 85/8): rounded half away from zero.
        #expect(Money.format(0.125) == "$0.13")
        #expect(Money.format(0.375) == "$0.38")
        #expect(Money.format(10.625) == "$10.63")
        #expect(Money.format(-0.125) == "-$0.13")
        // Below and above the half.
        #expect(Money.format(2.344) == "$2.34")
        #expect(Money.format(2.346) == "$2.35")
        // Rounding carries into the dollars and the thousands.
        #expect(Money.format(999.996) == "$1,000.00")
        #expect(Money.cents(0.125) == 0.13)
        #expect(Money.cents(1234.5678) == 1234.57)
    }

    @Test func noNegativeZero() {
        #expect(Money.format(-0.0) == "$0.00")
        #expect(Money.format(-0.004) == "$0.00")
        #expect(Money.format(-1e-12) == "$0.00")
        #expect(Money.cents(-0.004).sign == .plus)
        #expect(Money.fixed(-0.004, places: 2) == "0.00")
        #expect(Money.formatShares(-0.0000001) == "0")
        #expect(Money.shares(-0.0000001).sign == .plus)
    }

    @Test func fixedDecimals() {
        #expect(Money.fixed(1234.5, places: 2) == "1234.50")
        #expect(Money.fixed(-3.14159, places: 3) == "-3.142")
        #expect(Money.fixed(2.5, places: 0) == "3")
        #expect(Money.fixed(0.0832, places: 4) == "0.0832")
        #expect(Money.percent(0.0832) == "8.32%")
    }

    @Test func sharesUpToSixDecimals() {
        #expect(Money.formatShares(3.5) == "3.5")
        #expect(Money.formatShares(14.56) == "14.56")
        #expect(Money.formatShares(10) == "10")
        #expect(Money.formatShares(100) == "100")  // trailing zeros of the integer part stay
        #expect(Money.formatShares(0) == "0")
        #expect(Money.formatShares(1.23456789) == "1.234568")
        #expect(Money.formatShares(0.000001) == "0.000001")
        #expect(Money.formatShares(0.0000004) == "0")
        #expect(Money.formatShares(2.9999996) == "3")
        #expect(Money.formatShares(-2.5) == "-2.5")
        #expect(Money.shares(1.23456789) == 1.234568)
    }

    @Test func signedMoneyAndMachineMoney() {
        // A plus only when the amount is positive once rounded to cents.
        #expect(Money.signed(12) == "+$12.00")
        #expect(Money.signed(0.004) == "$0.00")
        #expect(Money.signed(0.005) == "+$0.01")
        #expect(Money.signed(-3.5) == "-$3.50")
        // For CSV and JSON: cents, no currency sign, no separators, no negative zero.
        #expect(Money.plain(1234.5) == "1234.50")
        #expect(Money.plain(-0.004) == "0.00")
        #expect(Money.plain(-12) == "-12.00")
        // Rates, fractions and points read as shares do.
        #expect(Money.decimal(0.123456789) == "0.123457")
        #expect(Money.decimal(35) == "35")
    }
}

@Suite("Plan status")
struct PlanStatusText {
    /// A plan's status reads as the solver's verdict it came from: one table of names and
    /// sentences (written out here, so that a changed table fails this test).
    @Test(arguments: [
        (TerminationStatus.optimal, "optimal", "an optimal solution was found"),
        (.infeasible, "infeasible", "no solution satisfies every constraint"),
        (.unbounded, "unbounded", "the objective can be improved without limit"),
        (.timeLimit(feasible: true), "time-limit",
         "the time limit was reached; the best solution found so far is not proven optimal"),
        (.timeLimit(feasible: false), "time-limit", "the time limit was reached before any feasible solution was found"),
        (.iterationLimit, "iteration-limit", "the iteration limit was reached before the solver finished"),
        (.numericalFailure(SolverFailure("glp_simplex failed", routine: "glp_simplex", code: 5)), "numerical-failure",
         "the solver failed numerically: glp_simplex failed"),
    ])
    func namesAndSentences(solver: TerminationStatus, name: String, sentence: String) {
        let plan = PlanStatus(solver)
        #expect(plan.name == name)
        #expect(plan.description == sentence)
        #expect(solver.name == name)
        #expect(solver.description == sentence)
    }

    @Test func aFailureTheDomainFoundReadsAsTheSolversWould() {
        let failed = PlanStatus.numericalFailure("the plan failed independent verification: x")
        #expect(failed.name == "numerical-failure")
        #expect(failed.description == "the solver failed numerically: the plan failed independent verification: x")
    }
}
}

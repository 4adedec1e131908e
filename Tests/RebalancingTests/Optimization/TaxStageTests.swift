import Foundation
import GLPKSolver
import LinearProgramming
import Synchronization
import Testing

import class RebalanceTestSupport.ForwardingSession

@testable import Rebalancing

/// The Tax stage (docs/tax-model.md optimized exactly) on households worked out by hand. Default rates:
/// short-term 35%, long-term 15%, offset limit $3,000, trading cost 0.001; asOf 2026-11-20, so a
/// lot acquired 2026-06-01 is short-term and one acquired 2020-01-01 long-term. All prices $100.
@Suite struct TaxStageTests {
    /// A of 100 shares in one lot (basis `basis`, acquired `acquired`) and B of 100 shares at no
    /// gain (long-term); target 50/50 of I = $20,000: on target, D = 0.
    static func oneLot(basis: Int, acquired: String, tax: String) -> String {
        halfAndHalfYAML(
            lots: [
                "{symbol: A, shares: 100, costBasis: \(basis), acquired: \(acquired)}",
                "{symbol: B, shares: 100, costBasis: 10000, acquired: 2020-01-01}",
            ], tax: tax)
    }

    @Test func aShortTermLossAgainstRealizedLongTermGainsIsWorthTheLongTermRate() throws {
        // A: short-term loss $20/sh ($2,000 on $10,000: 0.2 per dollar); realized LT $10,000.
        // Selling $v of A into cash: D = ½(v + v) = v; S = −0.2v, L = 10,000, so S < 0 ≤ L and
        // S + L ≥ 0: T = rLT·(S + L) = 0.15·(10,000 − 0.2v), Tax = −0.03v (LotTax says −0.07v).
        // κ = 0.02: κD + Tax = −0.01v: sell all $10,000; Tax = −0.03 × 10,000 = −$300.
        // κ = 0.05: +0.02v: sell nothing (LotTax's −0.07v would have sold it all).
        let yaml = Self.oneLot(
            basis: 12000, acquired: "2026-06-01", tax: "{realizedThisYear: {shortTerm: 0, longTerm: 10000}}")
        let h = try household(yaml)
        let sells = try report(h, "tax-aware:0.02")
        #expect(sells.status == .optimal)
        #expect(close(sells.amount("t", "A", .sell), 10000))
        #expect(close(sells.summary.estimatedTax, -300))
        #expect(close(sells.summary.misallocatedAfter, 10000))
        let keeps = try report(h, "tax-aware:0.05")
        #expect(keeps.status == .optimal)
        #expect(keeps.trades.isEmpty)
        #expect(close(keeps.summary.estimatedTax, 0))
    }

    @Test func aLongTermLossAgainstARealizedShortTermGainIsWorthTheShortTermRate() throws {
        // A: long-term loss $20/sh (0.2 per dollar); realized ST $10,000. Selling $v: S = 10,000,
        // L = −0.2v, L < 0 ≤ S, S + L ≥ 0: T = rST·(S + L), Tax = −0.35 × 0.2v = −0.07v (LotTax:
        // −0.03v). κ = 0.05: κD + Tax = −0.02v: sell all; Tax = −0.35 × 2,000 = −$700. Under
        // LotTax (+0.02v) it would have sold nothing.
        let yaml = Self.oneLot(
            basis: 12000, acquired: "2020-01-01", tax: "{realizedThisYear: {shortTerm: 10000, longTerm: 0}}")
        let r = try report(household(yaml), "tax-aware:0.05")
        #expect(r.status == .optimal)
        #expect(close(r.amount("t", "A", .sell), 10000))
        #expect(close(r.summary.estimatedTax, -700))
        #expect(close(r.summary.lotTax, -300))
    }

    /// A is $10,000 overweight: lot 1 (short-term, basis $20,000: loss $1 per dollar) and lot 2
    /// (long-term, basis $10,000: no gain), 100 shares each; B none; target 50/50 of I = $20,000.
    static let offsetLimit = halfAndHalfYAML(lots: [
        "{symbol: A, shares: 100, costBasis: 20000, acquired: 2026-06-01}",
        "{symbol: A, shares: 100, costBasis: 10000, acquired: 2020-01-01}",
    ])

    @Test func pastTheOffsetLimitHarvestingSavesNothingThisYearButHarvestPrefersIt() throws {
        // D = 0 needs $10,000 of A sold and $10,000 of B bought. Selling $x of lot 1 and the rest
        // of lot 2: S = −x, L = 0, T = −0.35·min(3,000, x): every x ≥ 3,000 pays −$1,050 this
        // year (a tie). Harvest = LotTax + 0.001·Turn = −0.35x + 20: least at x = 10,000. So
        // all of lot 1 ($10,000 loss), Tax −$1,050 (= −rST × limit), LotTax −$3,500.
        let r = try report(household(Self.offsetLimit), "full")
        #expect(r.status == .optimal)
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.summary.estimatedTax, -1050))
        #expect(close(r.summary.lotTax, -3500))
        #expect(close(r.summary.realizedShortTerm, -10000))
        let lots = r.trade("t", "A", .sell)?.lots ?? []
        #expect(lots.map(\.acquired) == [Day("2026-06-01")!])
    }

    @Test func aCarryforwardIsConsumedWhereItSavesMost() throws {
        // A must fall by $10,000 (as above). Lot 1: long-term, basis $6,000 ($4,000 gain on
        // $10,000); lot 2: short-term, basis $8,000 ($2,000 gain). LotTax prefers lot 1
        // (0.15 × 4,000 = 600 against 0.35 × 2,000 = 700). Carryforward LT $4,000, no realized:
        // T0 = T(0, −4,000) = −0.35 × 3,000 = −1,050.
        //   lot 1: S = 0, L = 0: T = 0, Tax = $1,050;
        //   lot 2: S = 2,000, L = −4,000, U = −2,000: T = −700, Tax = $350.
        // Mixing x of lot 1: U = −2,000 + 0.2x ≤ 0 and L ≤ 0, T = 0.35·U rises with x: all of lot 2.
        let yaml = halfAndHalfYAML(lots: [
            "{symbol: A, shares: 100, costBasis: 6000, acquired: 2020-01-01}",
            "{symbol: A, shares: 100, costBasis: 8000, acquired: 2026-06-01}",
        ], tax: "{carryforwardLoss: {shortTerm: 0, longTerm: 4000}}")
        let r = try report(household(yaml), "full")
        #expect(r.status == .optimal)
        #expect(close(r.summary.estimatedTax, 350))
        #expect(close(r.summary.realizedShortTerm, 2000))
        #expect(close(r.summary.realizedLongTerm, 0))
    }

    /// A withdrawal of $1,000 from an account holding only A: lot 1 long-term with $50/sh gain
    /// (0.5 per dollar), lot 2 short-term with $10/sh gain (0.1 per dollar). Target 100% A.
    static let withdrawal = """
        asOf: 2026-11-20
        prices: {A: 100}
        pie: {slices: [{symbol: A, weight: 100}]}
        accounts:
          - id: t
            type: taxable
            flow: -1000
            lots:
              - {symbol: A, shares: 100, costBasis: 5000, acquired: 2020-01-01}
              - {symbol: A, shares: 100, costBasis: 9000, acquired: 2026-06-01}
        """

    @Test func aTaxBudgetAtTheLeastFeasibleTaxIsFeasibleAndACentBelowIsNot() throws {
        // $1,000 must be sold: from lot 2, Tax = 0.35 × 100 = $35; from lot 1, 0.15 × 500 = $75.
        // The least Tax any valid plan has is $35.
        let h = try household(Self.withdrawal)
        let at = try report(h, "tax-budget:35")
        #expect(at.status == .optimal)
        #expect(close(at.summary.estimatedTax, 35))
        #expect(close(at.summary.misallocatedAfter, 0))
        let below = try report(h, "tax-budget:34.99")
        #expect(below.status == .infeasible)
        // The frontier starts there, not at an infeasible $0.
        let frontier = Frontier(h, name: "withdrawal", points: 3)
        #expect(close(frontier.leastTax ?? .nan, 35))
        #expect(frontier.points.first?.taxBudget == 35)
        #expect(frontier.points.allSatisfy { $0.report.status == .optimal })
        // full's Tax is also $35 (it sells lot 2 at D = 0): every point is the same plan.
        #expect(frontier.isFlat)
    }

    /// GLPK, counting the models it is given (one per plan, and more where a plan needs them).
    struct CountingSolver: MIPDualSolver {
        final class Count: Sendable { let value = Mutex(0) }
        private let count = Count()
        var made: Int { count.value.withLock { $0 } }
        func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> GLPKProblem {
            count.value.withLock { $0 += 1 }
            return try GLPKSolver().makeSession(model)
        }
        func releaseThreadResources() {}
    }

    @Test func aFlatFrontierPlansItsOneBudgetOnce() throws {
        // As above, the least tax and full's are both $35: every budget is $35.00, so 2 points
        // and 6 points plan the same things (full, the least tax, tax-budget:35.00 once).
        let h = try household(Self.withdrawal)
        let two = CountingSolver(), six = CountingSolver()
        let frontierOfTwo = Frontier(h, name: "withdrawal", points: 2, planner: Planner(solver: two))
        let frontierOfSix = Frontier(h, name: "withdrawal", points: 6, planner: Planner(solver: six))
        #expect(frontierOfTwo.points.count == 2 && frontierOfSix.points.count == 6)
        #expect(frontierOfSix.points.allSatisfy { $0.taxBudget == 35 && $0.report.status == .optimal })
        #expect(two.made > 0)
        #expect(six.made == two.made)
    }

    /// 60/40 of $100,000 on target: STK $60,000 with a $20,000 short-term loss, BND $40,000.
    static let balancedWithAShortTermLoss = """
        asOf: 2026-11-20
        prices: {STK: 100, BND: 100}
        pie: {slices: [{symbol: STK, weight: 60}, {symbol: BND, weight: 40}]}
        accounts:
          - id: t
            type: taxable
            lots:
              - {symbol: STK, shares: 600, costBasis: 80000, acquired: 2026-03-01}
              - {symbol: BND, shares: 400, costBasis: 40000, acquired: 2020-01-01}
        """

    @Test func theBalancedHouseholdWithAShortTermLossHarvestsOnlyWhatThisYearCanUse() throws {
        // 60/40 of $100,000 on target: STK $60,000 with a $20,000 short-term loss (1/3 per
        // dollar), BND $40,000 at no gain; no realized gains. tax-aware:0.10 selling $v of STK to
        // cash: D = v, S = −v/3, Tax = −0.35·min(3,000, v/3). κD + Tax has slope
        // 0.10 − 0.35/3 = −0.0167 up to v = $9,000 (a $3,000 loss), then +0.10: sell $9,000, no
        // more. Tax −$1,050, drift 9%. (LotTax, worth −0.1167 per dollar for ever, sold it all.)
        // No alternate exists to stay invested: the wash-sale guard forbids buying STK back.
        let r = try report(household(Self.balancedWithAShortTermLoss), "tax-aware:0.10")
        #expect(r.status == .optimal)
        #expect(close(r.amount("t", "STK", .sell), 9000, within: 0.01))
        #expect(close(r.summary.realizedShortTerm, -3000, within: 0.01))
        #expect(close(r.summary.estimatedTax, -1050))
        #expect(close(r.summary.driftAfter, 0.09, within: 1e-7))
    }

    /// GLPK, recording the upper bound each row is given.
    final class RowBounds: @unchecked Sendable {
        var uppers: [Int: [Double]] = [:]
    }
    final class RowRecordingSession: ForwardingSession {
        let bounds: RowBounds
        init(_ inner: GLPKProblem, _ bounds: RowBounds) {
            self.bounds = bounds
            super.init(inner)
        }
        override func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError) {
            bounds.uppers[constraint.index, default: []].append(upper)
            try inner.setBounds(constraint, lower: lower, upper: upper)
        }
    }
    struct RowRecordingSolver: MIPDualSolver {
        let bounds: RowBounds
        func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> RowRecordingSession {
            RowRecordingSession(try GLPKProblem(model), bounds)
        }
    }

    @Test func aBudgetBelowZeroIsPlannedInTheSecondBranchAlone() throws {
        // The balanced household below: STK $60,000 with a short-term loss of 1/3 per dollar,
        // BND $40,000, on target, no realized gains (T0 = 0). Selling $v of STK: S = −v/3, L = 0,
        // so the plans reach both F1's set (U = 0 at v = 0) and the rest: two branches.
        // tax-budget:−50 (T ≤ −50 < 0). Under F2 (T itself for U < 0): T = max(0.35·U, −1,050)
        // = −0.35·v/3 ≤ −50 needs v ≥ 3,000/7 = 428.571…; under F1 = max(0.35·S, 0.15·U, −1,050)
        // = −0.05·v it would need v ≥ 1,000. Selling STK drifts v whatever the cash buys
        // (½(v + x + v − x) with x of BND bought), and nothing can buy STK back (the wash-sale
        // guard): D = v, least at v = 428.57 (drift 0.43%), Tax −$50; harvest and turnover buy
        // nothing. F1 holds no plan of its own (TaxModel): its budget row is never bounded.
        let h = try household(Self.balancedWithAShortTermLoss)
        let kind = Strategy.Kind.taxBudget(-50)
        let built = RebalanceModel(h, strategy: kind, stages: kind.stages)
        #expect(built.taxBranches.count == 2)
        let bounds = RowBounds()
        let plan = Optimizer(solver: RowRecordingSolver(bounds: bounds)).plan(h, strategy: try Strategy(parsing: "tax-budget:-50"))
        let r = PlanReport(plan, household: h)
        #expect(r.status == .optimal)
        #expect(PlanVerifier(h).violations(of: plan).isEmpty)
        #expect(close(r.amount("t", "STK", .sell), 3000.0 / 7, within: 0.01))
        #expect(close(r.summary.estimatedTax, -50))
        #expect(close(r.summary.driftAfter, 3000.0 / 7 / 100_000, within: 1e-7))
        #expect(r.trade("t", "BND", .buy) == nil)
        let first = built.budgetRows[0].row.index, second = built.budgetRows[1].row.index
        #expect((bounds.uppers[first] ?? []).allSatisfy { $0 == .infinity })
        #expect((bounds.uppers[second] ?? []).contains { $0 < .infinity })
    }

    // MARK: Against brute force

    /// A holds three lots of 100 shares ($10,000 each), lot i with gain `gains[i].perDollar` per
    /// dollar (basis $10,000·(1 − gain)) and the given term; B holds $10,000 at no gain. Target
    /// 50/50 of $40,000: `full` must sell $10,000 of A, split (x1, x2, x3) with
    /// x1 + x2 + x3 = 10,000, each in [0, 10,000].
    static func threeLots(_ gains: [(perDollar: Double, isLong: Bool)], tax: String) -> String {
        let lots = gains.map { gain in
            let basis = Int((10000 * (1 - gain.perDollar)).rounded())
            return "      - {symbol: A, shares: 100, costBasis: \(basis), acquired: \(gain.isLong ? "2020-01-01" : "2026-06-01")}"
        }
        return """
            asOf: 2026-11-20
            tax: \(tax)
            prices: {A: 100, B: 100}
            pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}
            accounts:
              - id: t
                type: taxable
                lots:
            \(lots.joined(separator: "\n"))
                  - {symbol: B, shares: 100, costBasis: 10000, acquired: 2020-01-01}
            """
    }

    /// docs/tax-model.md's T, written again here.
    static func t(_ s: Double, _ l: Double, rST: Double, rLT: Double, limit: Double) -> Double {
        if s >= 0 && l >= 0 { return rST * s + rLT * l }
        if s + l < 0 { return -rST * min(limit, -(s + l)) }
        return s < 0 ? rLT * (s + l) : rST * (s + l)
    }

    /// The least Tax over every split, found without an LP: with x3 = 10,000 − x1 − x2, Tax is
    /// continuous and linear in (x1, x2) between the lines x_i = 0, x_i = 10,000, S = 0, L = 0,
    /// S + L = 0 and S + L = −limit, so its least over the triangle is where two of them cross.
    /// Every crossing is tried.
    static func bruteForce(
        _ gains: [(perDollar: Double, isLong: Bool)], rST: Double, rLT: Double, limit: Double, s0: Double, l0: Double
    ) -> Double {
        // S = s0 + Σ short g_i·x_i = sc + s1·x1 + s2·x2, and L likewise.
        let a = gains.map { $0.isLong ? 0 : $0.perDollar }, b = gains.map { $0.isLong ? $0.perDollar : 0 }
        let (sc, s1, s2) = (s0 + 10000 * a[2], a[0] - a[2], a[1] - a[2])
        let (lc, l1, l2) = (l0 + 10000 * b[2], b[0] - b[2], b[1] - b[2])
        let lines: [(Double, Double, Double)] = [  // p·x1 + q·x2 = r
            (1, 0, 0), (1, 0, 10000), (0, 1, 0), (0, 1, 10000), (1, 1, 10000), (1, 1, 0),
            (s1, s2, -sc), (l1, l2, -lc), (s1 + l1, s2 + l2, -sc - lc), (s1 + l1, s2 + l2, -sc - lc - limit),
        ]
        var best = Double.infinity
        for i in lines.indices {
            for j in lines.indices where j > i {
                let (p1, q1, r1) = lines[i], (p2, q2, r2) = lines[j]
                let det = p1 * q2 - p2 * q1
                guard abs(det) > 1e-12 else { continue }
                let x1 = (r1 * q2 - r2 * q1) / det, x2 = (p1 * r2 - p2 * r1) / det
                guard [x1, x2, 10000 - x1 - x2].allSatisfy({ $0 >= -1e-7 && $0 <= 10000 + 1e-7 }) else { continue }
                let s = sc + s1 * x1 + s2 * x2, l = lc + l1 * x1 + l2 * x2
                best = min(best, t(s, l, rST: rST, rLT: rLT, limit: limit) - t(s0, l0, rST: rST, rLT: rLT, limit: limit))
            }
        }
        return best
    }

    /// Lot sets where the least Tax lies in different pieces of T (each found, by a grid search,
    /// to need both branches of the Tax model for some of the settings below).
    static let lotSets: [[(perDollar: Double, isLong: Bool)]] = [
        [(-0.3, false), (0.4, true), (0.2, false)],
        [(-0.5, true), (-0.3, true), (-0.3, false)],
        [(0.4, false), (0.4, true), (0.2, false)],
        [(0.1, false), (-0.3, true), (-0.3, false)],
    ]

    @Test(arguments: lotSets.indices)
    func theTaxStageAgreesWithBruteForce(set: Int) throws {
        let gains = Self.lotSets[set]
        var cases = 0
        for (rST, rLT) in [(0.35, 0.15), (0.1, 0.3), (0.24, 0.24)] {
            for limit in [3000.0, 0] {
                for s0 in [-3000.0, 0, 1000, 5000] {
                    for l0 in [-1000.0, 0, 1500, 4000] {
                        // A negative start is a carryforward, a positive one realized gains.
                        let tax = "{shortTermRate: \(rST), longTermRate: \(rLT), ordinaryOffsetLimit: \(limit), "
                            + "realizedThisYear: {shortTerm: \(max(0, s0)), longTerm: \(max(0, l0))}, "
                            + "carryforwardLoss: {shortTerm: \(max(0, -s0)), longTerm: \(max(0, -l0))}}"
                        let r = try report(household(Self.threeLots(gains, tax: tax)), "full")
                        let expected = Self.bruteForce(gains, rST: rST, rLT: rLT, limit: limit, s0: s0, l0: l0)
                        #expect(r.status == .optimal, "\(tax)")
                        #expect(close(r.summary.misallocatedAfter, 0), "\(tax)")
                        #expect(
                            close(r.summary.estimatedTax, expected, within: 1e-4),
                            "lots \(set), \(tax): \(r.summary.estimatedTax), brute force \(expected)")
                        cases += 1
                    }
                }
            }
        }
        #expect(cases == 96)
    }
}

import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

// The Lagrangian bound on tax-aware's stage κ·D + Tax (LagrangianBound.swift): worked by hand
// on a two-account household, and checked against an independent route (every way of settling
// every guard candidate solved as a plain LP) on the generated households of the enumeration
// tests.

@Suite struct LagrangianBoundTests {
    /// A taxable account `t` in the household group (pie A 50 / C 50, all prices $100) holding
    /// A as a long-term gain lot (50 shares, basis $3,000: +$2,000, gain $0.40 a dollar sold) and
    /// a long-term loss lot (50 shares, basis $7,000: −$2,000, −$0.40 a dollar), and a Roth `r`
    /// with its own pie (A 100) and $1,000 of cash. I = $10,000 in the household group (A $5,000
    /// over target, C $5,000 under) and $1,000 in the Roth. Nothing realized this year: Tax =
    /// T(0, L), L = 0.4·(gain sold) − 0.4·(loss sold), which is 0.15·L for L ≥ 0 and 0.35·L for
    /// −2,000 ≤ L < 0 (within the $3,000 offset limit).
    ///
    /// tax-aware:0.10 minimizes 0.1·D + Tax. A is the one guard candidate:
    /// - buying A in r (no loss lot sold): r is on target; selling x of the gain lot for C leaves
    ///   D = 5,000 − x at a tax of 0.15·0.4·x = 0.06·x: 0.1·(5,000 − x) + 0.06·x is least at
    ///   x = 5,000: 300;
    /// - not buying A: r's $1,000 sits idle (D_r = ½(1,000 + 1,000) = 1,000), and selling the
    ///   whole loss lot for C puts the household group on target at a tax of 0.35·(−2,000):
    ///   0.1·1,000 − 700 = −600 (selling the gain lot too only adds tax).
    /// So the stage's optimum is −600. Without the guard the LP sells the loss lot and buys A in
    /// r: −700.
    static let yaml = roth(
        """
              - {symbol: A, shares: 50, costBasis: 3000, acquired: 2020-01-02}
              - {symbol: A, shares: 50, costBasis: 7000, acquired: 2021-01-04}
        """)

    /// Tax has two branches here (L may be either sign): F1 = max(0.15·L, −1,050) and
    /// F2 = max(0.35·L, 0.35·L, −1,050), T = min(F1, F2). In F2's branch the priced rows are the
    /// cash rows of t and r and F2's two epigraph rows (τ ≥ 0.35·U twice: the larger rate and the
    /// short-term rate coincide).
    ///
    /// Multipliers π_t = 0, π_r = 0.05 (a dollar of r's cash is worth κ/2: idle, it is half a
    /// misallocated dollar), μ = (1, 0). Then τ's cost is 1 − 1 = 0, e_t's 0.05, e_r's 0; the
    /// constant is π_r·1,000 = 50; a dollar of the gain lot costs 0.35·0.4 = 0.14, of the loss
    /// lot −0.14, a purchase in t 0 and in r −0.05. The rows, θ in [−0.05, 0.05]:
    /// - C (dev0 = −5,000, buying C in t at 0): max of −5,000·θ + 10,000·min(0, θ) is 0, at θ = 0;
    /// - A buys (the loss lot out): household A (dev0 = 5,000) 5,000·θ + 5,000·min(0, 0.14 − θ)
    ///   + 10,000·min(0, θ) is at most 250 (θ = 0.05: the gain lot costs more than the drift it
    ///   removes); r's A (dev0 = −1,000) −1,000·θ + 1,000·min(0, θ − 0.05) = −50 for every θ:
    ///   250 − 50 = 200;
    /// - A not bought: household A 5,000·θ + 5,000·min(0, −0.14 − θ) = −700 for every θ; r's A
    ///   −1,000·θ, at most 50 (θ = −0.05): −650.
    /// The bound: 50 + 0 + min(200, −650) = −600, the optimum, with A not bought and a regret of
    /// 850 for buying it. With π_r = 0 instead: the constant 0, r's A when bought 0 (θ = 0) and
    /// when not 50: 0 + min(250, −650) = −650, a weaker bound.
    @Test func theBoundWorkedByHand() throws {
        let h = try household(Self.yaml)
        let built = RebalanceModel(h, strategy: .taxAware(kappa: 0.10))
        let stage = Stage.misallocationAndTax(kappa: 0.10)
        #expect(built.taxBranches.count == 2)
        let f2 = built.taxBranches[1]
        #expect(f2.epigraph.count == 2)
        #expect(abs(f2.constant) < 1e-12)
        let bound = LagrangianBound(built, objective: built.objective(stage) + f2.terms, branch: f2)
        #expect(bound.rows.count == 4)

        let tight = bound.evaluate([0, 0.05, 1, 0])
        #expect(abs(tight.value - -600) < 1e-9, "\(tight.value)")
        #expect(tight.sides == [0: false])
        #expect(abs(tight.regret[0]! - 850) < 1e-9, "\(tight.regret)")
        let weaker = bound.evaluate([0, 0, 1, 0])
        #expect(abs(weaker.value - -650) < 1e-9, "\(weaker.value)")

        // The stage's optimum by enumeration agrees with the working above (an LP per side).
        #expect(abs(try Self.optimum(built, stage, branch: f2) - -600) < 1e-6)
        // Multipliers giving τ or e_a a negative cost are made valid (μ summing to 1 at most,
        // π at most κ/2) rather than giving −∞: at π_r = 1 the repaired π_r = 0.05 is the tight one.
        let repaired = try #require(bound.multipliers(fromDuals: Self.duals(built, [0, 1, 2, 1])))
        #expect(zip(repaired, [0, 0.05, 2.0 / 3, 1.0 / 3]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(repaired)")
        #expect(abs(bound.evaluate(repaired).value - -600) < 1e-9)
        // Every plan within 850 of the bound keeps A unbought; a bound that low fixes nothing.
        #expect(LagrangianBound.fixedSides([tight], atMost: -600 + 849) == [0: false])
        #expect(LagrangianBound.fixedSides([tight], atMost: -600 + 851) == [:])
    }

    /// Duals laid out as a solution's (one per model row), `priced` on the bound's rows.
    static func duals(_ built: RebalanceModel, _ priced: [Double]) -> [Double] {
        var duals = [Double](repeating: 0, count: built.model.constraintCount)
        let rows = built.cashRows + built.taxBranches[1].epigraph
        for (row, value) in zip(rows, priced) { duals[row.index] = value }
        return duals
    }

    /// The least κ·D + Tax (one branch, without its constant) over every way of settling every
    /// guard candidate, each an LP: the guarded optimum by the guard's definition.
    static func optimum(
        _ built: RebalanceModel, _ stage: Stage, branch: TaxModel.Branch, fixed: [Int: Bool] = [:]
    ) throws -> Double {
        try settledLPs(built, stage, branch: branch).filter { choice, _ in
            fixed.allSatisfy { choice[$0.key] == $0.value }
        }.map { $0.solution.status.isOptimal ? $0.solution.objectiveValue : .infinity }.min() ?? .infinity
    }

    /// Every way of settling the candidates (candidate index → buys) and its LP's solution.
    static func settledLPs(
        _ built: RebalanceModel, _ stage: Stage, branch: TaxModel.Branch
    ) throws -> [(choice: [Int: Bool], solution: Solution)] {
        let candidates = built.guardCandidates
        return try (0..<(1 << candidates.count)).map { mask in
            var model = built.model
            var choice: [Int: Bool] = [:]
            for (k, candidate) in candidates.enumerated() {
                choice[k] = mask & (1 << k) != 0
                for variable in built.settlement(candidate, allowPurchases: choice[k]!) {
                    model.addConstraint([Term(variable, 1)], upper: 0)
                }
            }
            model.objective = built.objective(stage) + branch.terms
            return (choice, try GLPKSolver().makeSession(model).solve())
        }
    }

    /// Against enumeration, on the generated households of the enumeration tests under
    /// tax-aware:0.10, in every tax branch: the bound at the duals of the LP without the guard
    /// (at least that LP's value: the multipliers' signs are the duals'), at the duals of every
    /// settled LP and at random multipliers is never above the guarded optimum; and the sides it
    /// fixes for plans within the stage margin of the optimum keep the optimum.
    @Test func theBoundNeverExceedsTheEnumeratedOptimum() throws {
        let stage = Stage.misallocationAndTax(kappa: 0.10)
        var rng = SplitMix64(seed: 13)
        var households = 0, tight = 0
        for h in WashSaleEnumerationTests.households {
            let built = RebalanceModel(h, strategy: .taxAware(kappa: 0.10))
            guard !built.guardCandidates.isEmpty else { continue }
            households += 1
            let tolerance = 1e-6 + 1e-9 * h.totalInvestable
            for branch in built.taxBranches {
                let bound = LagrangianBound(built, objective: built.objective(stage) + branch.terms, branch: branch)
                let settled = try Self.settledLPs(built, stage, branch: branch)
                let optimum = settled.map { $0.solution.status.isOptimal ? $0.solution.objectiveValue : .infinity }.min()!
                guard optimum.isFinite else { continue }
                var model = built.model
                model.objective = built.objective(stage) + branch.terms
                let relaxation = try GLPKSolver().makeSession(model).solve()
                let atRelaxation = bound.evaluate(try #require(bound.multipliers(fromDuals: relaxation.duals)))
                #expect(atRelaxation.value >= relaxation.objectiveValue - tolerance, "\(h.scenario.name): \(atRelaxation.value) below the relaxation \(relaxation.objectiveValue)")
                #expect(atRelaxation.value <= optimum + tolerance, "\(h.scenario.name): \(atRelaxation.value) above \(optimum)")
                var evaluations = [atRelaxation]
                for (_, solution) in settled where solution.status.isOptimal {
                    let evaluation = bound.evaluate(try #require(bound.multipliers(fromDuals: solution.duals)))
                    #expect(evaluation.value <= optimum + tolerance, "\(h.scenario.name): \(evaluation.value) above \(optimum)")
                    evaluations.append(evaluation)
                }
                for _ in 0..<20 {
                    let y = bound.rows.indices.map { i in
                        i < built.cashRows.count ? Double.random(in: -0.5...0.1, using: &rng) : Double.random(in: 0...0.6, using: &rng)
                    }
                    let evaluation = bound.evaluate(bound.multipliers(fromDuals: Self.spread(y, bound, built)) ?? y)
                    #expect(evaluation.value <= optimum + tolerance, "\(h.scenario.name): \(evaluation.value) above \(optimum) at \(y)")
                    evaluations.append(evaluation)
                }
                if evaluations.map(\.value).max()! >= optimum - tolerance { tight += 1 }
                let margin = Optimizer<GLPKSolver>.stageTolerance(h)
                let fixed = LagrangianBound.fixedSides(evaluations, atMost: optimum + margin)
                let restricted = try Self.optimum(built, stage, branch: branch, fixed: fixed)
                #expect(abs(restricted - optimum) <= tolerance, "\(h.scenario.name): fixing \(fixed) moves the optimum \(optimum) to \(restricted)")
            }
        }
        #expect(households >= 10)
        // Not a requirement of a bound, but what makes it useful: most are tight.
        #expect(tight >= households / 2, "tight in \(tight) branches of \(households) households")
    }

    /// `y` (one per priced row) laid out as duals.
    static func spread(_ y: [Double], _ bound: LagrangianBound, _ built: RebalanceModel) -> [Double] {
        var duals = [Double](repeating: 0, count: built.model.constraintCount)
        for (row, value) in zip(bound.rows, y) { duals[row.index] = value }
        return duals
    }

    /// The optimizer's path with the bound (used on households of 1,000 lots or more: the
    /// settlement by its sides, its certificate, the sides it fixes and forces on the later
    /// stages), on the household worked by hand above with each lot split into 500 equal lots
    /// (0.1 share each: the same plans, the same values). The stage's optimum is −600: sell the
    /// whole loss lot, buy $5,000 of C, leave r's cash idle. That plan is the only one at −600
    /// (D ≥ 1,000 while r buys nothing, Tax ≥ −700, and both bounds are met only by it), so the
    /// harvest stage is its LotTax plus the trading cost, 0.15·(−2,000) + 0.001·10,000 = −290,
    /// and it trades $10,000.
    @Test func theOptimizerReachesTheBoundOnTheSplitHousehold() throws {
        func split(shares: Double, basis: Double, acquired: String) -> String {
            (0..<500).map { _ in "      - {symbol: A, shares: \(shares / 500), costBasis: \(basis / 500), acquired: \(acquired)}" }
                .joined(separator: "\n")
        }
        let yaml = roth(split(shares: 50, basis: 3000, acquired: "2020-01-02") + "\n" + split(shares: 50, basis: 7000, acquired: "2021-01-04"))
        let h = try household(yaml)
        let built = RebalanceModel(h, strategy: .taxAware(kappa: 0.10))
        #expect(h.lots.count == 1000 && built.lagrangianApplies(built.stages[0]))
        let r = try report(h, "tax-aware:0.10")
        #expect(r.status.isOptimal)
        #expect(abs(0.1 * r.summary.misallocatedAfter + r.summary.estimatedTax - -600) < 1e-4, "\(r.summary)")
        #expect(abs(r.summary.estimatedTax - -700) < 1e-4)
        #expect(abs(r.summary.lotTax + 0.001 * r.summary.turnover - -290) < 1e-4)
        #expect(abs(r.summary.turnover - 10_000) < 1e-4)
        #expect(PlanVerifier(h).violations(of: r.plan) == [])
        // The enumeration of both settlements agrees, stage by stage (each stage held at the
        // tight margin, which lets the turnover stage save a few thousandths of a dollar).
        let reference = try #require(try WashSaleEnumerationTests.enumerate(built, household: h, budget: nil))
        #expect(zip(reference, [-600, -290, 10_000]).allSatisfy { abs($0 - $1) < 0.01 }, "\(reference)")
    }
}

import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

/// The optimizer settles wash-sale conflicts by bounds, binaries, cuts and branch and bound. This
/// checks its stage values against an independent route: every way of settling every guard
/// candidate (its purchases held at zero, or its loss lots), each solved as a plain LP, stage by
/// stage. The best of them is the guarded optimum by definition of the guard.
@Suite("Wash-sale guard against enumeration")
struct WashSaleEnumerationTests {
    static let strategies = ["full", "cash-only", "tax-budget:500", "tax-aware:0.10"]

    /// Generated households with 1 to 6 guard candidates.
    static let households: [Household] = {
        var found: [Household] = []
        for index in 0..<200 where found.count < 24 {
            let household = Household(Generator(symbols: 6, lots: 40, seed: 77).household(index))
            let candidates = RebalanceModel(household, strategy: .full).guardCandidates.count
            if (1...6).contains(candidates) { found.append(household) }
        }
        return found
    }()

    @Test(arguments: strategies)
    func stageOptimaMatchEnumeration(_ strategyName: String) throws {
        #expect(Self.households.count >= 10)
        let strategy = try Strategy(parsing: strategyName)
        for household in Self.households {
            let built = RebalanceModel(household, strategy: strategy.kind)
            let reference = try Self.enumerate(built, household: household)
            let plan = Planner().plan(household, strategy: strategy)
            guard let reference else {
                #expect(!plan.status.isOptimal, "\(household.scenario.name): enumeration finds no plan")
                continue
            }
            #expect(plan.status.isOptimal, "\(household.scenario.name): \(plan.status)")
            let summary = PlanReport(plan, household: household).summary
            let achieved: [Double] =
                switch strategy.kind {
                case .taxAware(let kappa): [kappa * summary.misallocatedAfter + summary.lotTax, summary.turnover]
                default: [summary.misallocatedAfter, summary.lotTax, summary.turnover]
                }
            // Each stage within a cent (plus the stage margin) of the enumerated optimum.
            let margin = 0.01 + 1e-9 * household.totalInvestable
            for (k, value) in achieved.enumerated() {
                #expect(
                    abs(value - reference[k]) <= margin,
                    "\(household.scenario.name) \(strategyName) stage \(k): \(value) against \(reference[k])")
                if abs(value - reference[k]) > margin { break }
            }
        }
    }

    /// The lexicographic stage optima over every settlement of the guard candidates, or nil if no
    /// settlement is feasible.
    static func enumerate(_ built: RebalanceModel, household: Household) throws -> [Double]? {
        let candidates = built.guardCandidates
        let choices = (0..<(1 << candidates.count)).map { mask in
            candidates.indices.map { mask & (1 << $0) != 0 }
        }
        let tolerance = Optimizer<GLPKSolver>.tightTolerance(household)
        var optima: [Double] = []
        for (k, objective) in built.stages.enumerated() {
            var best: Double?
            for choice in choices {
                var model = built.model
                for (j, earlier) in built.stages.prefix(k).enumerated() {
                    model.addConstraint(earlier, upper: optima[j] + tolerance)
                }
                for (candidate, allowPurchases) in zip(candidates, choice) {
                    for variable in built.settlement(candidate, allowPurchases: allowPurchases) {
                        model.addConstraint([Term(variable, 1)], upper: 0)
                    }
                }
                model.objective = objective
                let solution = try GLPKSolver().makeSession(model).solve()
                if solution.status.isOptimal { best = min(best ?? .infinity, solution.objectiveValue) }
            }
            guard let best else { return nil }
            optima.append(best)
        }
        return optima
    }
}


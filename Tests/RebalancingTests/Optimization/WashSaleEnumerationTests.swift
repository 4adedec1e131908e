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
        return found + classHouseholds
    }()

    /// Small households with classes or identical groups of several symbols, where the guard's
    /// cuts read a class's deviation row (alternates bought beside a loss lot, VOO/IVV pairs):
    /// 1 to 5 guard candidates.
    static let classHouseholds: [Household] = {
        var found: [Household] = []
        for seed in UInt64(0)..<2000 where found.count < 16 {
            let scenario = SmallScenarioBuilder.make(seed: seed)
            let household = Household(scenario)
            let hasClasses = household.groups.contains { $0.classes.contains { $0.members.count > 1 } }
            guard hasClasses || !scenario.identicalGroups.isEmpty, ScenarioValidator.issues(in: scenario).isEmpty else { continue }
            let candidates = RebalanceModel(household, strategy: .full).guardCandidates.count
            if (1...5).contains(candidates) { found.append(household) }
        }
        return found
    }()

    @Test func classHouseholdsAreFound() {
        #expect(Self.classHouseholds.count >= 8)
    }

    /// The guard's rows, cuts included, hold at every plan that keeps the guard: in
    /// scenarios/harvest-into-alternate.yaml, with VXUS's binary at 0 (VXUS bought nowhere), the
    /// swap that sells the whole $18,000 loss lot and buys IXUS keeps drift at 0. A cut that
    /// ignored IXUS filling the class (Σ v_loss ≤ d⁻ + max(dev, 0) = 0) would forbid it.
    @Test func theGuardRowsAllowASwapIntoAnAlternate() throws {
        let h = Household(try ScenarioLoader.load(path: bundledScenarioPath("harvest-into-alternate.yaml")))
        let built = RebalanceModel(h, strategy: .full)
        let vxus = h.symbols.firstIndex(of: "VXUS")!
        let candidate = try #require(built.guardCandidate(symbol: h.identicalKey[vxus]))
        var model = built.model
        let z = model.addVariable(lower: 0, upper: 0)
        for row in built.guardRows(candidate, binary: z) { model.addConstraint(row.terms, lower: row.lower, upper: row.upper) }
        model.addConstraint(built.misallocation, upper: 1e-6)
        model.objective = candidate.lossLots.map { Term(built.sells[$0], -1) }
        let solution = try GLPKSolver().makeSession(model).solve()
        #expect(solution.status.isOptimal)
        #expect(abs(solution.objectiveValue + 18000) < 1e-6, "loss lots sold at zero drift: \(-solution.objectiveValue)")
    }

    @Test(arguments: strategies)
    func stageOptimaMatchEnumeration(_ strategyName: String) throws {
        #expect(Self.households.count >= 10)
        let strategy = try Strategy(parsing: strategyName)
        for household in Self.households {
            let built = RebalanceModel(household, strategy: strategy.kind)
            let reference = try Self.enumerate(built, household: household, budget: strategy.kind.taxBudget)
            let plan = Planner().plan(household, strategy: strategy)
            guard let reference else {
                #expect(!plan.status.isOptimal, "\(household.scenario.name): enumeration finds no plan")
                continue
            }
            #expect(plan.status.isOptimal, "\(household.scenario.name): \(plan.status)")
            let summary = PlanReport(plan, household: household).summary
            let achieved = built.stages.map { Self.value(of: $0, summary, household) }
            // Each stage within the stage tolerance of the enumerated optimum. (The turnover
            // stage follows harvest, which weighs turnover by the trading cost: harvest's own
            // rounding noise reaches turnover multiplied by 1/tradingCost.)
            let margin = Optimizer<GLPKSolver>.stageTolerance(household)
            for (k, value) in achieved.enumerated() {
                #expect(
                    abs(value - reference[k]) <= margin,
                    "\(household.scenario.name) \(strategyName) stage \(k): \(value) against \(reference[k])")
                if abs(value - reference[k]) > margin { break }
            }
        }
    }

    /// A stage's value for a plan, from its report.
    static func value(of stage: Stage, _ s: PlanReport.Summary, _ household: Household) -> Double {
        switch stage {
        case .misallocation: s.misallocatedAfter
        case .tax: s.estimatedTax
        case .misallocationAndTax(let kappa): kappa * s.misallocatedAfter + s.estimatedTax
        case .harvest: s.lotTax + household.scenario.tax.tradingCost * s.turnover
        case .turnover: s.turnover
        case .bandMisallocation: .nan  // not among these strategies
        }
    }

    /// The lexicographic stage optima over every settlement of the guard candidates and every
    /// branch of Tax (the same branch for every Tax of a program), or nil if none is feasible.
    static func enumerate(_ built: RebalanceModel, household: Household, budget: Double?) throws -> [Double]? {
        let candidates = built.guardCandidates
        let choices = (0..<(1 << candidates.count)).map { mask in
            candidates.indices.map { mask & (1 << $0) != 0 }
        }
        let tolerance = Optimizer<GLPKSolver>.tightTolerance(household)
        var optima: [Double] = []
        for stage in built.stages {
            var best: Double?
            for branch in built.taxBranches {
                func withTax(_ stage: Stage) -> [Term] { built.objective(stage) + (stage.includesTax ? branch.terms : []) }
                func constant(_ stage: Stage) -> Double { stage.includesTax ? branch.constant : 0 }
                for choice in choices {
                    var model = built.model
                    if let budget { model.addConstraint(branch.terms, upper: budget - branch.constant) }
                    for (j, earlier) in built.stages.prefix(optima.count).enumerated() {
                        model.addConstraint(withTax(earlier), upper: optima[j] - constant(earlier) + tolerance)
                    }
                    for (candidate, allowPurchases) in zip(candidates, choice) {
                        for variable in built.settlement(candidate, allowPurchases: allowPurchases) {
                            model.addConstraint([Term(variable, 1)], upper: 0)
                        }
                    }
                    model.objective = withTax(stage)
                    let solution = try GLPKSolver().makeSession(model).solve()
                    if solution.status.isOptimal { best = min(best ?? .infinity, solution.objectiveValue + constant(stage)) }
                }
            }
            guard let best else { return nil }
            optima.append(best)
        }
        return optima
    }
}

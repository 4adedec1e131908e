import GLPKSolver
import LinearProgramming
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// A strategy's first-LP basis is offered to the strategies planned after it (`StartingBases`):
/// each solve makes exactly one offer, as early as it can, because the later solves wait for it.
@Suite struct StartingBasisTests {
    static let continuous = """
        asOf: 2026-11-20
        prices: {VTI: 300, BND: 70}
        pie: {slices: [{symbol: VTI, weight: 60}, {symbol: BND, weight: 40}]}
        accounts:
          - {id: brokerage, type: taxable, flow: 1000, lots: []}
        """

    /// The offers one plan makes, in order.
    static func offers(_ yaml: String, _ strategy: String) throws -> [StartingBasis?] {
        let household = try household(yaml)
        let strategy = try Strategy(parsing: strategy)
        var offers: [StartingBasis?] = []
        _ = Optimizer(solver: GLPKSolver()).plan(household, strategy: strategy, stages: strategy.kind.stages) {
            offers.append($0)
        }
        return offers
    }

    @Test func aContinuousHouseholdOffersItsFirstBasisOnce() throws {
        let offers = try Self.offers(Self.continuous, "full")
        #expect(offers.count == 1)
        #expect(offers.first??.basis.rows.isEmpty == false)
    }

    /// Whole shares take no starting basis and give none: the later strategies are told at once
    /// (before this one's stages are solved), or `compare` would plan them one after another.
    @Test(arguments: ["full", "tax-aware:0.10", "band:2"])
    func wholeSharesOfferNothingOnce(strategy: String) throws {
        let whole = Self.continuous.replacingOccurrences(of: "flow: 1000,", with: "flow: 1000, wholeShares: true,")
        let offers = try Self.offers(whole, strategy)
        #expect(offers.count == 1)
        #expect(offers.first.map { $0 == nil } == true)
    }

    /// Whether two programs are the same: the model (columns, rows, objective), the handles and
    /// expressions the optimizer reads, and the stages.
    static func same(_ a: RebalanceModel, _ b: RebalanceModel) -> Bool {
        a.model.columns == b.model.columns && a.model.rows == b.model.rows && a.model.objective == b.model.objective
            && a.sells == b.sells && a.purchases.map(\.variable) == b.purchases.map(\.variable)
            && a.excessCash == b.excessCash && a.cashRows == b.cashRows && a.misallocation == b.misallocation
            && a.bandMisallocation == b.bandMisallocation && a.lotTax == b.lotTax && a.turnover == b.turnover
            && a.harvest == b.harvest && a.taxBranches == b.taxBranches && a.taxWithoutPlan == b.taxWithoutPlan
            && a.budgetRows.map(\.row) == b.budgetRows.map(\.row) && a.budgetRows.map(\.upper) == b.budgetRows.map(\.upper)
            && a.sellCaps == b.sellCaps && a.guardCandidates.map(\.symbol) == b.guardCandidates.map(\.symbol)
            && a.guardCandidates.map(\.lossLots) == b.guardCandidates.map(\.lossLots) && a.stages == b.stages
    }

    /// A strategy planned after another of the same household takes the earlier one's program
    /// where their shapes are alike (`full`'s for `tax-aware`), and it is the program it would have
    /// built; where they differ (cash-only's caps, a budget, a band) or the household is another,
    /// it builds its own.
    @Test(arguments: ["gains-and-carryforward.yaml", "wash-sale-lookback.yaml", "withdrawal.yaml", "harvest-into-alternate.yaml"])
    func aLaterStrategyTakesAnEarlierOnesProgramOnlyWhereItIsTheSame(file: String) throws {
        let household = try ScenarioLoader.loadHousehold(path: bundledScenarioPath(file))
        let other = try ScenarioLoader.loadHousehold(path: bundledScenarioPath(file))
        let strategies = try ["cash-only", "full", "tax-budget:500", "tax-aware:0.10", "tax-aware:1", "band:5"].map { try Strategy(parsing: $0) }
        func shape(_ strategy: Strategy) -> RebalanceModel.Shape { RebalanceModel.Shape(strategy.kind, stages: strategy.kind.stages) }
        var taken = 0
        for earlier in strategies {
            var offer: StartingBasis??
            _ = Optimizer(solver: GLPKSolver()).plan(household, strategy: earlier, stages: earlier.kind.stages) {
                if offer == nil { offer = .some($0) }
            }
            guard let seed = offer ?? nil else { continue }
            #expect(Self.same(seed.built, RebalanceModel(household, strategy: earlier.kind)))
            for later in strategies {
                let fresh = RebalanceModel(household, strategy: later.kind)
                let given = StartingBasis.program(household, shape: shape(later), stages: later.kind.stages, from: [seed])
                #expect(Self.same(given, fresh), "\(earlier.name) then \(later.name)")
                if shape(later) == seed.built.shape { taken += 1 }
                // Another household (the same file read again) builds its own.
                let elsewhere = StartingBasis.program(other, shape: shape(later), stages: later.kind.stages, from: [seed])
                #expect(elsewhere.household.isSame(as: other) && !elsewhere.household.isSame(as: household))
                #expect(Self.same(elsewhere, RebalanceModel(other, strategy: later.kind)))
            }
        }
        // full and tax-aware (either κ) take each other's, and the other three each its own (every
        // one of these households offers): 3·3 + 3.
        #expect(taken == 12)
        #expect(shape(strategies[1]) == shape(strategies[3]) && shape(strategies[3]) == shape(strategies[4]))
        // cash-only's caps, tax-budget's budget and band's band each give another shape.
        #expect(Set([0, 1, 2, 5].map { "\(shape(strategies[$0]))" }).count == 4)
    }
}

/// A first LP no other strategy's basis starts begins at the plan that trades nothing
/// (`StartingBasis.noTrade`), not at GLPK's slack basis: the equality rows (cash, deviations)
/// are then satisfied from the start, and GLPK's primal simplex has no first phase to make.
@Suite struct NoTradeBasisTests {
    /// The hand-worked case: $1,000 to invest, nothing held, 60/40 VTI/BND. The cash row
    /// e − y_VTI − y_BND = 1000 has e basic at 1000, the deviation rows y − d⁺ + d⁻ = w·I (I = 1000)
    /// have d⁻ basic at 600 and 400: three rows, three basic columns, every row non-basic.
    @Test func theNoTradeBasisOfANewAccount() throws {
        let household = try household(StartingBasisTests.continuous)
        let built = RebalanceModel(household, strategy: .full)
        let basis = StartingBasis.noTrade(built, rows: built.model.constraintCount)
        #expect(built.model.constraintCount == 3)
        #expect(basis.basicCount == 3)
        #expect(basis.rows == [.fixed, .fixed, .fixed])
        #expect(basis.columns[built.excessCash[0].index] == .basic)
        let deviations = built.deviationRows.map { (built.model.rows[$0.row.index].lower, basis.columns[$0.minus.index], basis.columns[$0.plus.index]) }
        #expect(deviations.map(\.0).sorted() == [400, 600])
        #expect(deviations.allSatisfy { $0.1 == .basic && $0.2 == .atLower })
    }

    /// On bundled households (a withdrawal, realized gains with both Tax branches, look-back
    /// lots, sell caps): the basis has one basic status per row, and the point it stands for
    /// (no trade; each basic column the value its row then needs) satisfies every bounded row
    /// of the model, worked out here from the rows' terms; its columns keep their bounds but
    /// for the excess cash of an account that withdraws more than its cash (the simplex's
    /// first phase repairs that one). Started there, the first stage reaches the same optimum
    /// as from GLPK's slack basis.
    @Test(arguments: ["gains-and-carryforward.yaml", "wash-sale-lookback.yaml", "withdrawal.yaml", "harvest-into-alternate.yaml", "three-fund.yaml"])
    func theNoTradeBasisStandsForThePlanThatTradesNothing(file: String) throws {
        let household = try ScenarioLoader.loadHousehold(path: bundledScenarioPath(file))
        for strategy in [Strategy.Kind.cashOnly, .full] {
            let built = RebalanceModel(household, strategy: strategy)
            let model = built.model
            let basis = StartingBasis.noTrade(built, rows: model.constraintCount)
            #expect(basis.basicCount == model.constraintCount, "\(file) \(strategy)")
            var x = model.columns.map { $0.lower.isFinite ? $0.lower : 0 }
            for (a, row) in built.cashRows.enumerated() { x[built.excessCash[a].index] = model.rows[row.index].lower }
            for deviation in built.deviationRows {
                let rhs = model.rows[deviation.row.index].lower
                x[(rhs >= 0 ? deviation.minus : deviation.plus).index] = abs(rhs)
            }
            for branch in built.taxBranches {
                guard let tau = branch.tau else { continue }
                x[tau.index] = branch.epigraph.map { model.rows[$0.index].lower }.max()!
            }
            for (j, column) in model.columns.enumerated() where basis.columns[j] != .basic {
                #expect(x[j] == column.lower || (!column.lower.isFinite && x[j] == 0), "\(file): column \(j) is at its bound")
            }
            for (i, row) in model.rows.enumerated() {
                let activity = row.terms.reduce(0) { $0 + $1.coefficient * x[$1.variable.index] }
                let scale = 1e-9 * max(1, abs(row.lower.isFinite ? row.lower : 0), abs(row.upper.isFinite ? row.upper : 0))
                #expect(activity >= row.lower - scale && activity <= row.upper + scale, "\(file) \(strategy): row \(i)")
            }
            let withdraws = Set(built.cashRows.indices.filter { model.rows[built.cashRows[$0].index].lower < 0 }.map { built.excessCash[$0].index })
            for (j, column) in model.columns.enumerated() where !withdraws.contains(j) {
                #expect(x[j] >= column.lower && x[j] <= column.upper, "\(file) \(strategy): column \(j)")
            }
            // The first stage (D) from here and from the slack basis: the same optimum.
            let fresh = try GLPKSolver().makeSession(model)
            try fresh.setObjective(built.misallocation)
            let slack = fresh.solveRelaxation()
            let warm = try GLPKSolver().makeSession(model)
            #expect(warm.warmStart(basis))
            try warm.setObjective(built.misallocation)
            let started = warm.solveRelaxation()
            #expect(slack.status == .optimal && started.status == .optimal)
            #expect(abs(slack.objectiveValue - started.objectiveValue) <= 1e-6 * max(1, abs(slack.objectiveValue)), "\(file) \(strategy)")
        }
    }
}

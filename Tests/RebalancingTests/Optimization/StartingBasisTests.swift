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
}

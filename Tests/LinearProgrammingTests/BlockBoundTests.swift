import class RebalanceTestSupport.ForwardingSession
import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// The turns' block relaxations (`MIPSession.blockBound`, used for each account's whole shares:
/// AccountRelaxation.swift), worked by hand on two parity blocks.
///
/// Block A: 2·(x₁ + … + x₉) + a = 9, block B: 2·(y₁ + … + y₇) + b = 7, every column a whole
/// number in [0, 1]; minimize 10·a + b. The left sides without a and b are even and 9 and 7
/// odd, so a = b = 1 in every integer point: the optimum is 11 (four x's and three y's at 1). The
/// LP relaxation reaches 0 (every x and y at ½). With only block A integer (B continuous) the
/// optimum is 10 (a = 1, b = 0, the y's at ½), with only B integer it is 1: each is a relaxation
/// of the model, so each bounds 11 from below, and 10 is the better bound.
@Suite("Branch and bound: the blocks' relaxations")
struct BlockBoundTests {
    static func parityBlocks() -> (model: LinearModel, a: [Variable], b: [Variable]) {
        var model = LinearModel()
        let xs = (0..<9).map { _ in model.addVariable(upper: 1, integer: true) }
        let a = model.addVariable(upper: 1, integer: true)
        let ys = (0..<7).map { _ in model.addVariable(upper: 1, integer: true) }
        let b = model.addVariable(upper: 1, integer: true)
        model.addConstraint(xs.map { Term($0, 2) } + [Term(a, 1)], equalTo: 9)
        model.addConstraint(ys.map { Term($0, 2) } + [Term(b, 1)], equalTo: 7)
        model.objective = [Term(a, 10), Term(b, 1)]
        return (model, xs + [a], ys + [b])
    }

    /// A feasible point: four x's, a, three y's and b at 1 (value 11).
    static let point: [Double] = [1, 1, 1, 1, 0, 0, 0, 0, 0, 1] + [1, 1, 1, 0, 0, 0, 0, 1]

    /// GLPK, except that every run on the whole model (no column relaxed) ends at its node limit
    /// having found only the point it was offered: only the blocks' relaxations can prove anything.
    final class WholeModelStops: ForwardingSession {
        var runs: [BranchAndBoundRun] = []
        init(_ model: LinearModel, timeLimit: Double? = nil) throws {
            super.init(try GLPKProblem(model, options: SolverOptions(timeLimit: timeLimit)))
        }
        override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
            runs.append(run)
            guard run.continuous.isEmpty else { return inner.branchAndBound(run) }
            return .nodeLimit(run.incumbent)
        }
        override var nodeLimitBound: Double? { runs.last?.continuous.isEmpty == true ? nil : inner.nodeLimitBound }
    }

    @Test("One block's relaxation bounds the optimum: 10 with only A integer, 1 with only B")
    func eachBlockBoundsTheOptimum() throws {
        let (model, a, b) = Self.parityBlocks()
        for (block, optimum) in [(a, 10.0), (b, 1.0)] {
            let session = try GLPKProblem(model)
            #expect(session.solveLP() == .optimal)
            let inBlock = Set(block)
            let outcome = session.branchAndBound(
                BranchAndBoundRun(search: 0, continuous: session.integerVariables.filter { !inBlock.contains($0) }))
            guard case .optimal = outcome else {
                Issue.record("expected the relaxation's optimum, got \(outcome)")
                continue
            }
            let bound = try #require(session.runBound)
            // At most the relaxation's optimum (so at most 11), short of it by GLPK's pruning
            // tolerance at most (1e-7 of 1 + the optimum).
            #expect(bound <= optimum && bound >= optimum - 1e-7 * (1 + optimum) - 1e-12, "bound \(bound)")
        }
    }

    @Test("Where no search on the whole model proves anything, block A's bound stops the turns within the gap")
    func blockBoundStopsTheTurns() throws {
        let (model, a, b) = Self.parityBlocks()
        let session = try WholeModelStops(model)
        let solution = session.solve(incumbent: Self.point, gap: 1.5, floor: -.infinity, blocks: [a, b])
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue - 11) < 1e-9)
        let bound = try #require(solution.bound)
        #expect(bound <= 11 && bound >= 10 - 1e-5, "bound \(bound): block A's, at most the optimum 11")
        // Two rounds of the three searches on the whole model, then block A's relaxation (B's
        // columns continuous).
        #expect(session.runs.map(\.continuous.count) == [0, 0, 0, 0, 0, 0, b.count])
        // Without a gap the blocks are not searched (they could not stop the turns).
        let exact = try WholeModelStops(model, timeLimit: 0.5)
        _ = exact.solve(incumbent: Self.point, gap: 0, floor: -.infinity, blocks: [a, b])
        #expect(exact.runs.allSatisfy { $0.continuous.isEmpty })
    }

    @Test("A gap smaller than the bound's distance: both blocks are searched, the turns go on")
    func blocksThatDoNotCloseTheGap() throws {
        let (model, a, b) = Self.parityBlocks()
        let session = try WholeModelStops(model, timeLimit: 0.5)
        let solution = session.solve(incumbent: Self.point, gap: 0.5, floor: -.infinity, blocks: [a, b])
        // 11 − 10 > ½: no stop; the whole model's runs never decide, so the time limit ends it.
        #expect(solution.status.isTimeLimit)
        #expect(session.runs.contains { $0.continuous.count == b.count })
        #expect(session.runs.contains { $0.continuous.count == a.count })
    }
}

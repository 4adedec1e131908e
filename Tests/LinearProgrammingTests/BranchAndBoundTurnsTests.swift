import class RebalanceTestSupport.ForwardingSession
import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Several branch-and-bound searches taking turns, each up to a node limit doubling every round.
@Suite("Branch and bound in turns")
struct BranchAndBoundTurnsTests {
    /// Jeroslow's model with general integers in [0, 1]: minimize z subject to
    /// 2·(x₁ + … + xₙ) + z = n, n odd. The left side without z is even and n is odd, so z = 1 in
    /// every integer solution (x's summing to (n − 1)/2); the LP relaxation reaches z = 0 with
    /// every x at ½. Branching on the x's alone needs exponentially many nodes to prove z = 1.
    static func jeroslow(_ n: Int) -> LinearModel {
        var model = LinearModel()
        let xs = (0..<n).map { _ in model.addVariable(upper: 1, integer: true) }
        let z = model.addVariable(upper: 1, integer: true)
        model.addConstraint(xs.map { Term($0, 2) } + [Term(z, 1)], equalTo: Double(n))
        model.objective = [Term(z, 1)]
        return model
    }

    /// GLPK, except that the first `stops` runs end at their node limit, found nothing; every run is logged.
    final class StoppingSession: ForwardingSession {
        var stops: Int
        var runs: [BranchAndBoundRun] = []
        init(_ model: LinearModel, stops: Int) throws {
            self.stops = stops
            super.init(try GLPKProblem(model))
        }
        override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
            runs.append(run)
            guard stops > 0 else { return inner.branchAndBound(run) }
            stops -= 1
            return .nodeLimit(nil)
        }
    }

    @Test("Every search of a model in whole numbers reaches the same optimum", arguments: 0..<3)
    func everySearchReachesTheOptimum(search: Int) throws {
        let session = try GLPKProblem(Self.jeroslow(9))
        #expect(session.branchAndBoundSearches == 3)
        #expect(session.solveLP() == .optimal)
        #expect(abs(session.objectiveValue()) < 1e-9, "the relaxation reaches z = 0")
        guard case .optimal(let choice) = session.branchAndBound(BranchAndBoundRun(search: search)) else {
            Issue.record("search \(search) reached no optimum")
            return
        }
        #expect(choice.last == 1, "z = 1")
        #expect(choice.dropLast().reduce(0, +) == 4, "four x's at 1: 2·4 + 1 = 9")
    }

    @Test("A run stops at its node limit; a 0/1 model has one search")
    func nodeLimitStopsARun() throws {
        // Without cuts (search 1), proving z = 1 for n = 21 takes far more than 5 nodes.
        let session = try GLPKProblem(Self.jeroslow(21))
        #expect(session.solveLP() == .optimal)
        let outcome = session.branchAndBound(BranchAndBoundRun(search: 1, nodeLimit: 5))
        guard case .nodeLimit = outcome else {
            Issue.record("expected the node limit, got \(outcome)")
            return
        }
        #expect(try GLPKProblem(MIPTests.knapsack(binary: true).model).branchAndBoundSearches == 1)
    }

    @Test("The searches take turns, each node limit doubling every round, until one decides")
    func searchesTakeTurns() throws {
        let session = try StoppingSession(Self.jeroslow(9), stops: 4)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue - 1) < 1e-9)
        let turns = session.runs.map { [$0.search, $0.nodeLimit ?? -1] }
        let first = firstTurnNodes
        #expect(turns == [[0, first], [1, first], [2, first], [0, 2 * first], [1, 2 * first]])
        #expect(session.runs.allSatisfy { !$0.presolve })
    }

    @Test("A point found by one turn is offered to the next")
    func foundPointIsOffered() throws {
        /// The first run ends at its limit having found x₁…x₄ = 1, z = 1 (feasible, optimal).
        final class FindingSession: ForwardingSession {
            var runs: [BranchAndBoundRun] = []
            override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
                runs.append(run)
                guard runs.count > 1 else { return .nodeLimit([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]) }
                return inner.branchAndBound(run)
            }
        }
        let session = FindingSession(try GLPKProblem(Self.jeroslow(9)))
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(session.runs.count == 2)
        let offered = try #require(session.runs.last?.incumbent)
        #expect(offered.map { $0.rounded() } == [1, 1, 1, 1, 0, 0, 0, 0, 0, 1])
    }

    @Test("Out of time between turns: the best point found so far, not proven optimal")
    func timeLimitBetweenTurns() throws {
        /// Every run ends at its node limit with the same point: only the time limit ends the turns.
        final class NeverDecides: ForwardingSession {
            override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
                .nodeLimit([1, 1, 1, 1, 0, 0, 0, 0, 0, 1])
            }
        }
        let session = NeverDecides(try GLPKProblem(Self.jeroslow(9), options: SolverOptions(timeLimit: 0.2)))
        let solution = session.solve()
        #expect(solution.status == .timeLimit(feasible: true))
        #expect(abs(solution.objectiveValue - 1) < 1e-9)
    }
}

import Foundation
import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// GLPK keeps its state per thread: a problem lives on the thread that created it.
@Suite("Threading")
struct ThreadingTests {
    /// One job for a worker: min x + y s.t. x + 2y ≥ 4s, 3x + y ≥ 6s (s > 0 scales the
    /// intersection example): the optimum scales with s, so it is (1.6s, 1.2s) with value 2.8s.
    static func scaledLP(_ s: Double) -> LinearModel { intersectionLP(scale: s) }

    @Test("Independent problems solved concurrently on several threads are all correct")
    func concurrentSolves() {
        struct Outcome: Sendable {
            var worker: Int
            var round: Int
            var lp: Solution
            var mip: Solution
            var warm: Solution
        }
        let outcomes = Collector<Outcome>()
        let failures = Collector<String>()
        let workers = 8, rounds = 25

        runOnNewThreads(workers) { worker in
            for round in 0..<rounds {
                do {
                    // Each problem is created, solved and released inside this iteration,
                    // on this worker thread.
                    let s = Double(worker * rounds + round + 1)
                    let lp = try GLPKSolver().solve(Self.scaledLP(s))
                    let mip = try GLPKSolver().solve(MIPTests.knapsack(binary: true).model)

                    // The warm path too: solve, add a row, solve again.
                    let problem = try GLPKProblem(DualValueTests.twoRowModel().0)
                    _ = problem.solve()
                    _ = try problem.addConstraint(Row([Term(Variable(index: 0), 1)], lower: 2))
                    let warm = problem.solve()
                    outcomes.append(Outcome(worker: worker, round: round, lp: lp, mip: mip, warm: warm))
                } catch {
                    failures.append("worker \(worker) round \(round): \(error)")
                }
            }
            // Every problem this thread created is gone: free its GLPK environment.
            GLPKSolver().releaseThreadResources()
        }

        #expect(failures.elements.isEmpty, "\(failures.elements)")
        let all = outcomes.elements
        #expect(all.count == workers * rounds)
        for outcome in all {
            let s = Double(outcome.worker * rounds + outcome.round + 1)
            #expect(outcome.lp.status == .optimal)
            #expect(close(outcome.lp.objectiveValue, 2.8 * s))
            #expect(close(outcome.lp.values, [1.6 * s, 1.2 * s]))
            #expect(close(outcome.lp.duals, [0.4, 0.2]))  // duals do not scale with the rhs
            #expect(outcome.mip.status == .optimal)
            #expect(close(outcome.mip.objectiveValue, -20))  // knapsack {b, c}
            #expect(close(outcome.mip.values, [0, 1, 1]))
            #expect(outcome.warm.status == .optimal)
            #expect(close(outcome.warm.objectiveValue, 3))  // with x ≥ 2: (2, 1) → 3
        }
    }

    @Test("A worker thread can release its environment and then use GLPK again")
    func releaseThenReuse() {
        let results = Collector<Double>()
        runOnNewThreads(2) { _ in
            for _ in 0..<3 {
                if let solution = try? GLPKSolver().solve(Self.scaledLP(1)) {
                    results.append(solution.status == .optimal ? solution.objectiveValue : .nan)
                }
                GLPKSolver().releaseThreadResources()
            }
        }
        let values = results.elements
        #expect(values.count == 6)
        #expect(values.allSatisfy { close($0, 2.8) })
    }

    @Test("Using a problem from another thread stops the program: misuse, not a solver result")
    func wrongThread() async {
        await #expect(processExitsWith: .failure) {
            let (model, _, _) = DualValueTests.twoRowModel()
            let problem = try! GLPKProblem(model)
            // The worker gets an unretained reference: the problem stays owned by this thread.
            let handle = UncheckedSendable(Unmanaged.passUnretained(problem))
            withExtendedLifetime(problem) {
                runOnNewThreads(1) { _ in _ = handle.value.takeUnretainedValue().solveLP() }
            }
        }
    }

    @Test("The creating thread keeps using its problem after another thread solved its own")
    func creatorKeepsItsProblem() throws {
        let (model, _, _) = DualValueTests.twoRowModel()
        let problem = try GLPKProblem(model)
        runOnNewThreads(1) { _ in
            let other = try? GLPKSolver().solve(Self.scaledLP(1))
            #expect(other?.status == .optimal)
            GLPKSolver().releaseThreadResources()
        }
        #expect(problem.constraintCount == 2)
        #expect(problem.variableCount == 2)
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 2.8))
    }
}

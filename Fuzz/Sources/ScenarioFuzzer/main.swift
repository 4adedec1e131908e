import Foundation
import GLPKSolver
import Rebalancing

// libFuzzer entry point: every input must either load as a scenario or be refused with a
// ScenarioError — never crash, trap or hang. The first byte picks the format (even: YAML,
// odd: JSON); the rest is the file. A scenario that loads is also made into a Household, planned
// under `full` when small, verified, and written back as JSON, which must read back the same.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let format: ScenarioLoader.Format = bytes[0] & 1 == 0 ? .yaml : .json
    let data = Data(bytes[1...])
    let scenario: Scenario
    do throws(ScenarioError) {
        scenario = try ScenarioLoader.parse(data, format: format, source: "fuzz")
    } catch {
        _ = error.lines  // every refusal must describe itself
        return 0
    }
    let household = Household(scenario)
    precondition(household.totalInvestable > 0 && household.totalInvestable.isFinite, "a loaded scenario has nothing to invest")

    // Written back as JSON, the scenario reads back and writes the same text.
    let text = scenario.json.serialized()
    do throws(ScenarioError) {
        let again = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: "fuzz-roundtrip")
        precondition(again.json.serialized() == text, "the scenario's JSON does not read back the same:\n\(text)")
    } catch {
        preconditionFailure("a loaded scenario's JSON is refused: \(error.lines)\n\(text)")
    }

    // Small scenarios are planned too: the plan must verify and its report serialize.
    if household.lots.count <= 40 && household.symbols.count <= 40 {
        let plan = Planner(solver: GLPKSolver()).plan(household, strategy: Strategy(name: "full", kind: .full))
        if plan.status == .optimal {
            let violations = PlanVerifier(household).violations(of: plan)
            precondition(violations.isEmpty, "the full plan breaks the model's constraints: \(violations)")
        }
        _ = PlanReport(plan, household: household).json.serialized()
    }
    return 0
}

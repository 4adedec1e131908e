import Rebalancing

extension HTMLReport {
    /// One group's allocation before and after a plan, as ``PlanMeasures`` lays it out along the
    /// group's pie.
    struct Allocation {
        let before: GroupAllocation
        let after: GroupAllocation?
        /// Σ minCash over the group's accounts (cash kept aside, outside the investable value).
        let reserve: Double

        var group: Household.Group { before.group }
    }

    /// The allocation of every group of the household, after `plan` when one is given.
    static func allocations(_ household: Household, plan: Plan?) -> [Allocation] {
        let measures = PlanMeasures(household)
        let before = measures.allocations(sharesSold: nil, purchases: [])
        let after = plan.map { measures.allocations(sharesSold: $0.sharesSold, purchases: $0.purchases) }
        let accounts = household.scenario.accounts
        return before.enumerated().map { g, allocation in
            Allocation(
                before: allocation, after: after?[g],
                reserve: allocation.group.accounts.reduce(0) { $0 + accounts[$1].minCash })
        }
    }

    /// One row of the allocation: a node of the pie, before and after, with its depth and colour.
    struct AllocationRow {
        /// `VXUS slice` for a leaf with alternates (its class), else the node's label.
        var label: String {
            if case .symbol = before.kind, !before.children.isEmpty { return before.label + " slice" }
            return before.label
        }
        var isMember: Bool {
            if case .member = before.kind { return true }
            return false
        }

        let before: GroupAllocation.Node
        let after: GroupAllocation.Node?
        /// 1 for a top-level slice.
        let level: Int
        let color: String
    }

    /// The nodes of both allocations in pie order (depth first), paired. The pie's nodes come
    /// first and in the same order in both; holdings off the pie are paired by symbol.
    static func rows(_ allocation: Allocation) -> [AllocationRow] {
        var out: [AllocationRow] = []
        var pies = 0
        func walk(_ before: [GroupAllocation.Node], _ after: [GroupAllocation.Node]?, level: Int) {
            for (i, node) in before.enumerated() {
                let match = after.flatMap { list in
                    node.kind == .pie ? (i < list.count ? list[i] : nil) : list.first { $0.kind == node.kind }
                }
                out.append(AllocationRow(before: node, after: match, level: level, color: color(node, pies: &pies)))
                walk(node.children, match?.children, level: level + 1)
            }
        }
        walk(allocation.before.nodes, allocation.after?.nodes, level: 1)
        // A symbol the plan buys off the pie (held after only).
        for node in allocation.after?.nodes ?? [] where !out.contains(where: { $0.before.kind == node.kind }) {
            let zero = GroupAllocation.Node(kind: node.kind, label: node.label, target: 0, held: 0, children: [])
            out.insert(AllocationRow(before: zero, after: node, level: 1, color: color(node, pies: &pies)), at: out.count - 1)
        }
        return out
    }

    /// A symbol keeps its colour on the whole page; sub-pies take the sub-pie palette in pie order.
    static func color(_ node: GroupAllocation.Node, pies: inout Int) -> String {
        switch node.kind {
        case .symbol(let s), .member(let s), .untargeted(let s): return color(symbol: s)
        case .cash: return cashColor
        case .pie:
            defer { pies += 1 }
            return subPiePalette[pies % subPiePalette.count]
        }
    }

    /// The plan the "after" charts show: the first `tax-aware` plan, else `full`, else the first
    /// plan with trades.
    static func recommended(_ reports: [PlanReport]) -> PlanReport? {
        let usable = reports.filter { $0.plan.hasTrades }
        func isTaxAware(_ report: PlanReport) -> Bool {
            if case .taxAware = report.strategy.kind { return true }
            return false
        }
        return usable.first(where: isTaxAware) ?? usable.first { $0.strategy.kind == .full } ?? usable.first
    }
}

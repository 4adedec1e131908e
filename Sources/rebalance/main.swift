import RebalanceCLI
import Rebalancing

Workers.returnFreedMemory()
RebalanceCommand.main()

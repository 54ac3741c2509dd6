"""A stateful SSH device simulator (IOS, RouterOS, Junos shells) for deploy tests, the demo and benchmarks.

The pure core (config models, shells, the fleet's link and OSPF state) imports nothing heavy; the asyncssh
server is in `kotanet.playbooks.sshsim.server` and is imported only by whoever starts one.
"""

from kotanet.playbooks.sshsim.faults import DeviceFaults, faults_from_dict, faults_to_dict

__all__ = ["DeviceFaults", "faults_from_dict", "faults_to_dict"]

// dense kernels: see src/engine/abi.ts for the contract.

/**
 * What the platform's `resource-requirements` admission rule asks of every container, the
 * platform's own included: CPU and memory requests (what the scheduler reserves) and a memory
 * limit (what the kernel enforces). No CPU limit: it would throttle a container on an idle node.
 */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** Requests of `cpu` and `memory`, and a memory limit of `memoryLimit`, e.g. `containerResources('10m', '32Mi', '64Mi')`. */
export function containerResources(cpu: string, memory: string, memoryLimit: string): ContainerResources {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

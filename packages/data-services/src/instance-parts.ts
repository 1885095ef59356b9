import type { ContainerResources, DataServiceConfig, RequiredSecret } from '@ck8s/core';

/** The main container's resources of an instance: its CPU and memory requests, and the memory as its limit too. */
export function instanceResources(service: Pick<DataServiceConfig, 'resources'>): ContainerResources {
  return { requests: { cpu: service.resources.cpu, memory: service.resources.memory }, limits: { memory: service.resources.memory } };
}

/**
 * The application's user and a generated password, as the basic-auth Secret `name` of the tenant's
 * namespace (keys username and password) that applications read.
 */
export function applicationCredentials(tenant: string, name: string, username: string, purpose: string): RequiredSecret {
  return {
    namespace: tenant,
    name,
    keys: ['username', 'password'],
    type: 'kubernetes.io/basic-auth',
    purpose,
    generate: (context) => ({ username, password: context.password() }),
  };
}

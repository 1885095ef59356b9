import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { isDnsLabel, LABELS, MANAGED_BY } from './naming.js';

/**
 * Where a component's objects are applied. Flux applies the layers in this order, each
 * one after the previous is ready: bootstrap, then controllers and CRDs, policies,
 * platform configuration and finally tenants.
 */
export const LAYERS = ['flux-system', 'controllers', 'policies', 'platform', 'tenants'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * Folder for node configuration (API server flags, audit policy) that the cluster's
 * installer applies (kubeadm, Talos, ...): written next to the layers, never applied by Flux.
 */
export const NODE_FOLDER = 'node';
export type OutputFolder = Layer | typeof NODE_FOLDER;

/** A sops-encrypted Secret a component needs, and the keys it must hold. */
export interface RequiredSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys the Secret must have. */
  readonly keys: readonly string[];
  /** What it is for, shown when it is missing. */
  readonly purpose: string;
}

export interface ComponentProps {
  /** The layer the component's objects are applied in. */
  readonly layer: Layer;
  /** Extra labels for every object of the component. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * A unit of the platform: a cdk8s Chart whose objects are written to one file,
 * `<layer>/<id>.yaml`. The construct id is the component name, so it is part of the
 * output contract: renaming it renames a file that reviewers see.
 *
 * Components are created with the app as scope and grouped under one construct per layer,
 * so a name only has to be unique within its layer, like the file it becomes.
 */
export class Component extends Chart {
  /** Returns whether a construct is a Component (works across package copies). */
  static isComponent(x: unknown): x is Component {
    return x !== null && typeof x === 'object' && (x as { [COMPONENT]?: boolean })[COMPONENT] === true;
  }

  public readonly layer: Layer;
  public readonly componentName: string;
  private readonly secrets: RequiredSecret[] = [];

  constructor(scope: Construct, id: string, props: ComponentProps) {
    if (!isDnsLabel(id)) throw new Error(`component name "${id}" is not a DNS-1123 label`);
    super(layerScope(scope, props.layer), id, {
      disableResourceNameHashes: true,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: id, ...props.labels },
    });
    Object.defineProperty(this, COMPONENT, { value: true });
    this.layer = props.layer;
    this.componentName = id;
  }

  /**
   * Declares a Secret the component's objects read (credentials of a HelmRelease, say). Synth
   * fails when `secrets/<cluster>/<namespace>.<name>.sops.yaml` does not exist, naming the
   * command that creates it, so a missing credential is caught before Flux applies anything.
   */
  requireSecret(secret: RequiredSecret): void {
    this.secrets.push(secret);
  }

  /** The Secrets declared with requireSecret. */
  get requiredSecrets(): readonly RequiredSecret[] {
    return this.secrets;
  }

  /** File of this component relative to the cluster folder. */
  get outputFile(): string {
    return `${this.layer}/${this.componentName}.yaml`;
  }
}

const COMPONENT = Symbol.for('@ck8s/core.Component');

/** The construct that groups the components of one layer, created on first use. */
function layerScope(scope: Construct, layer: Layer): Construct {
  const id = `layer-${layer}`;
  return (scope.node.tryFindChild(id) as Construct | undefined) ?? new Construct(scope, id);
}

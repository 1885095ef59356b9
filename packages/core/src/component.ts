import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { isDnsLabel, LABELS, MANAGED_BY } from './naming.js';

/**
 * Where a component's objects are applied. Flux applies the layers in this order, each
 * one after the previous is ready: bootstrap, then controllers and CRDs, policies,
 * platform configuration and finally tenants.
 */
export const LAYERS = ['flux-system', 'controllers', 'policies', 'platform', 'tenants'] as const;
export type Layer = (typeof LAYERS)[number];

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
 */
export class Component extends Chart {
  /** Returns whether a construct is a Component (works across package copies). */
  static isComponent(x: unknown): x is Component {
    return x !== null && typeof x === 'object' && (x as { [COMPONENT]?: boolean })[COMPONENT] === true;
  }

  public readonly layer: Layer;
  public readonly componentName: string;

  constructor(scope: Construct, id: string, props: ComponentProps) {
    if (!isDnsLabel(id)) throw new Error(`component name "${id}" is not a DNS-1123 label`);
    super(scope, id, {
      disableResourceNameHashes: true,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: id, ...props.labels },
    });
    Object.defineProperty(this, COMPONENT, { value: true });
    this.layer = props.layer;
    this.componentName = id;
  }

  /** File of this component relative to the cluster folder. */
  get outputFile(): string {
    return `${this.layer}/${this.componentName}.yaml`;
  }
}

const COMPONENT = Symbol.for('@ck8s/core.Component');

import { ApiObject, type App, Chart, DependencyGraph } from 'cdk8s';
import type { Construct } from 'constructs';
import { Component, LAYERS, type Layer, type OutputFolder } from '../component.js';
import { toYamlDocument, toYamlStream } from './canonical-yaml.js';

/** A file added to a layer next to the components, e.g. an encrypted Secret copied verbatim. */
export interface ExtraFile {
  /** A Flux layer (the file is listed in its kustomization.yaml) or the node folder. */
  readonly layer: OutputFolder;
  /** Path inside the folder. */
  readonly path: string;
  readonly content: string;
}

/** The generated files of one cluster, keyed by path relative to the cluster folder. */
export type RenderedTree = Map<string, string>;

/** Components of an app in construct order. */
export function componentsOf(app: Construct): Component[] {
  return app.node.findAll().filter((c) => Component.isComponent(c));
}

/**
 * The Kubernetes objects of each component, as `Chart.toJson()` gives them. That call infers the
 * dependencies of the whole app and validates all of it every time, which makes rendering the
 * components one by one quadratic; so it runs once, for the first component, and the others'
 * objects are taken the way it takes them: the chart's own API objects in dependency order.
 */
function renderComponents(components: readonly Component[]): [Component, unknown[]][] {
  return components.map((component, i) => {
    if (i === 0) return [component, component.toJson()];
    const objects = new DependencyGraph(component.node)
      .topology()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === component)
      .map((o) => o.toJson());
    return [component, objects];
  });
}

export interface RenderOptions {
  /** Folder of the bootstrap layer (`flux-system`), e.g. `argocd` for a cluster Argo CD syncs. @default 'flux-system' */
  readonly bootstrapFolder?: string;
}

/**
 * Renders every component of the app into `<layer>/<component>.yaml` and each layer's
 * `kustomization.yaml`, which lists the layer's files so Flux applies exactly these.
 * Every layer folder exists, even when empty, so the layer Kustomizations never point at nothing.
 */
export function renderApp(app: App, extraFiles: readonly ExtraFile[] = [], options: RenderOptions = {}): RenderedTree {
  const files = new Map<string, string>();
  const byLayer = new Map<Layer, string[]>(LAYERS.map((l) => [l, []]));
  const folderOf = (folder: OutputFolder): string => (folder === 'flux-system' ? (options.bootstrapFolder ?? folder) : folder);
  const add = (folder: OutputFolder, relative: string, content: string): void => {
    const full = `${folderOf(folder)}/${relative}`;
    if (files.has(full)) throw new Error(`two components write ${full}; component names must be unique within a layer`);
    files.set(full, content);
    byLayer.get(folder as Layer)?.push(relative);
  };
  const owners = new Map<string, Component>();
  for (const [component, rendered] of renderComponents(componentsOf(app))) {
    const objects = rendered as { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } }[];
    for (const o of objects) {
      // the API group, not the version: the same object served in two versions is still one object
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      const key = `${group}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
      const first = owners.get(key);
      if (first && first !== component) {
        throw new Error(
          `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name} is written by two components, ${first.outputFile} and ${component.outputFile}; an object belongs to one component`,
        );
      }
      owners.set(key, component);
    }
    if (objects.length === 0) continue;
    add(component.layer, `${component.componentName}.yaml`, toYamlStream(objects));
  }
  for (const extra of extraFiles) add(extra.layer, extra.path, extra.content);
  for (const [layer, resources] of byLayer) {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() };
    files.set(`${folderOf(layer)}/kustomization.yaml`, toYamlDocument(kustomization));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

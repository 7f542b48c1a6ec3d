import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { configFromEnv, ENV_NAMES, trustedProxiesOf } from "../src/server/config.js";

/**
 * deploy/ cannot be run here (no container engine), so it is checked the way
 * an operator would find mistakes: every setting a broker gets is one the
 * broker knows and parses into a working multi-broker configuration, and every
 * name one object uses to find another (services, labels, ports, secrets,
 * volumes) resolves.
 */
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read field by field
const KNOWN = new Set(Object.values(ENV_NAMES));
const example = Object.fromEntries(
  fs.readFileSync("deploy/env.example", "utf8").split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=", 2) as [string, string]),
);
const substitute = (value: string) => value.replace(/\$\{(\w+)\}/g, (_, name: string) => example[name] ?? `<missing ${name}>`);

describe("deploy/docker-compose.yml", () => {
  const compose = parse(fs.readFileSync("deploy/docker-compose.yml", "utf8"), { merge: true }) as Doc;
  const services = compose.services as Record<string, Doc>;
  const brokers = Object.keys(services).filter((name) => name.startsWith("broker-"));

  it("runs two brokers with PostgreSQL, Redis, coturn and a load balancer, each depending on what exists", () => {
    expect(brokers).toHaveLength(2);
    for (const name of ["lb", "postgres", "redis", "coturn"]) expect(services).toHaveProperty(name);
    for (const service of Object.values(services)) {
      const needs = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const other of needs) expect(services, `depends on ${other}`).toHaveProperty(other);
    }
    for (const broker of brokers) expect(Object.keys(services[broker]!.depends_on)).toEqual(expect.arrayContaining(["postgres", "redis"]));
  });

  it("gives each broker only settings it knows, which parse into a TLS-off, proxied, multi-broker configuration", () => {
    for (const broker of brokers) {
      const env = services[broker]!.environment as Record<string, string>;
      for (const name of Object.keys(env)) expect(KNOWN, `${broker}: ${name}`).toContain(name);
      const config = configFromEnv(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v))])));
      expect(trustedProxiesOf(config)).toEqual({ hops: 1 });
      expect(config).toMatchObject({ tls: "off", host: "0.0.0.0", publicOrigin: "https://help.example.com", turnSecret: example.TURN_SECRET });
      expect(config.databaseUrl).toMatch(/^postgres:\/\/tandem:.+@postgres:5432\/tandem$/);
      expect(config.redisUrl).toBe("redis://redis:6379");
      expect(config.turnUrls.some((url) => url.startsWith("turn:help.example.com:3478"))).toBe(true);
      // The brokers share the data folder's secrets through one volume.
      expect(services[broker]!.volumes).toContain("tandem-secrets:/var/lib/tandem");
    }
    expect(compose.volumes).toHaveProperty("tandem-secrets");
    expect(compose.volumes).toHaveProperty("postgres-data");
  });

  it("configures coturn with the brokers' TURN secret, and the load balancer with every broker on its port", () => {
    const coturn = (services.coturn!.command as string[]).map(substitute);
    expect(coturn).toContain("--use-auth-secret");
    expect(coturn).toContain(`--static-auth-secret=${example.TURN_SECRET}`);
    const nginx = fs.readFileSync("deploy/nginx.conf", "utf8");
    for (const broker of brokers) expect(nginx).toMatch(new RegExp(`server ${broker}:${services[broker]!.environment.TANDEM_PORT}[ ;]`));
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(services.lb!.volumes).toContain("./nginx.conf:/etc/nginx/nginx.conf:ro");
    expect(fs.readFileSync("deploy/Dockerfile", "utf8")).toContain(`EXPOSE ${services["broker-a"]!.environment.TANDEM_PORT}`);
  });
});

describe("deploy/k8s/tandem.yaml", () => {
  const docs = parseAllDocuments(fs.readFileSync("deploy/k8s/tandem.yaml", "utf8")).map((d) => d.toJS() as Doc);
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const one = (kind: string) => {
    expect(byKind(kind), kind).toHaveLength(1);
    return byKind(kind)[0]!;
  };
  const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it("has well-formed objects of each kind an operator needs", () => {
    for (const doc of docs) {
      expect(doc.apiVersion, JSON.stringify(doc).slice(0, 80)).toBeTruthy();
      expect(doc.metadata?.name).toMatch(/^[a-z0-9-]+$/);
    }
    expect(docs.map((d) => d.kind).sort()).toEqual(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget", "Secret", "Service"]);
  });

  it("wires Deployment, Service, HPA, PodDisruptionBudget and Ingress to each other", () => {
    const deployment = one("Deployment");
    const podLabels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    const service = one("Service");
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    const container = deployment.spec.template.spec.containers[0];
    const portNames = container.ports.map((p: Doc) => p.name);
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    const hpa = one("HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = one("PodDisruptionBudget");
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    const backend = one("Ingress").spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(service.metadata.name);
    expect(service.spec.ports.map((p: Doc) => p.name)).toContain(backend.port.name);
    for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe.httpGet).toMatchObject({ path: "/healthz", port: "http" });
  });

  it("gives the broker only settings it knows, from keys that exist, parsing into a working configuration", () => {
    const deployment = one("Deployment");
    const container = deployment.spec.template.spec.containers[0];
    const configMap = one("ConfigMap");
    const secret = one("Secret");
    expect(container.envFrom[0].configMapRef.name).toBe(configMap.metadata.name);
    const env: Record<string, string> = { ...configMap.data };
    for (const entry of container.env) {
      const ref = entry.valueFrom.secretKeyRef;
      expect(ref.name).toBe(secret.metadata.name);
      expect(secret.stringData).toHaveProperty(ref.key);
      env[entry.name] = secret.stringData[ref.key];
    }
    for (const name of Object.keys(env)) expect(KNOWN, name).toContain(name);
    const config = configFromEnv(env);
    expect(trustedProxiesOf(config)).toEqual({ hops: 1 });
    expect(config).toMatchObject({ tls: "off", dataDir: "/var/lib/tandem", port: 8080 });
    expect(config.databaseUrl).toMatch(/^postgres:/);
    expect(config.redisUrl).toMatch(/^redis:/);
    expect(container.ports[0].containerPort).toBe(config.port);
    // The files every broker must share come from the Secret, into the data folder.
    const mounted = container.volumeMounts.filter((m: Doc) => m.subPath).map((m: Doc) => [m.mountPath, m.subPath]);
    expect(mounted).toEqual(expect.arrayContaining([["/var/lib/tandem/code-pepper.key", "code-pepper.key"], ["/var/lib/tandem/idp-keys.json", "idp-keys.json"]]));
    for (const [, key] of mounted) expect(secret.stringData).toHaveProperty(key);
  });
});

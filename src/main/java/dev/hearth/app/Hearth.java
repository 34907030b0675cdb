package dev.hearth.app;

import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.config.ClusterConfig;
import dev.hearth.config.ServerConfig;
import dev.hearth.engine.Engine;
import dev.hearth.engine.Endpoint;
import dev.hearth.engine.Engines;
import dev.hearth.engine.Leftovers;
import dev.hearth.engine.LogBuffer;
import dev.hearth.gateway.ApiKeys;
import dev.hearth.gateway.Gateway;
import dev.hearth.gateway.Http1Front;
import dev.hearth.gateway.Proxy;
import dev.hearth.gateway.Routes;
import dev.hearth.gateway.SseWriter;
import dev.hearth.api.admin.AdminRoutes;
import dev.hearth.api.admin.EventsRoute;
import dev.hearth.api.docs.DocsRoutes;
import dev.hearth.api.jobs.JobRoutes;
import dev.hearth.api.openai.OpenAiRoutes;
import dev.hearth.jobs.JobCore;
import dev.hearth.jobs.JobService;
import dev.hearth.api.lightx2v.LightX2vRoutes;
import dev.hearth.api.openaivideos.OpenAiVideoRoutes;
import dev.hearth.api.videosdgx.VideosDgxRoutes;
import dev.hearth.jobs.store.JobStores;
import dev.hearth.jobs.store.JobStore;
import dev.hearth.jobs.store.OpeningJobStore;
import dev.hearth.jobs.store.PostgresJobStore;
import dev.hearth.jobs.Job;
import dev.hearth.api.admin.NodesRoute;
import dev.hearth.api.PeerForward;
import dev.hearth.cluster.Cluster;
import dev.hearth.cluster.Nodes;
import dev.hearth.cluster.PostgresEventBus;
import dev.hearth.Json;
import dev.hearth.media.BlobStore;
import dev.hearth.media.DirBlobStore;
import dev.hearth.media.Inputs;
import dev.hearth.media.MediaLimits;
import dev.hearth.media.Outputs;
import dev.hearth.media.S3BlobStore;
import dev.hearth.observe.EventBus;
import dev.hearth.observe.Hardware;
import dev.hearth.observe.LocalEventBus;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.Device;
import dev.hearth.scheduler.ModelEvent;
import dev.hearth.scheduler.ModelMetrics;
import dev.hearth.scheduler.Scheduler;
import io.helidon.webserver.WebServer;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** One running Hearth: configuration wired into scheduler, gateway and HTTP server. */
public final class Hearth implements AutoCloseable {
    private static final Logger LOG = System.getLogger("hearth");
    /** How often loaded engines' footprints are measured again (rule 8): a video worker grows during a job. */
    private static final Duration MEASURE_EVERY = Duration.ofSeconds(15);

    private final HearthConfig config;
    private final Scheduler scheduler;
    private final WebServer server;
    private final Gateway gateway;
    private final JobCore jobs;
    private final DataDirLock dataDirLock;
    private final PostgresEventBus bus;                  // several nodes only
    private final javax.sql.DataSource sharedDb;         // several nodes only
    private final String process;
    private final List<Device> devices;
    private final Catalog catalog;
    private final NodesRoute nodesRoute;
    private final PeerForward peers;
    private final OpenAiRoutes openAi;
    private volatile Cluster cluster;

    /**
     * @param store   the job store: on SQLite still opening on another thread (see {@link #start(HearthConfig,
     *                Hardware)}), on PostgreSQL open (the nodes' rows and events need its pool now)
     * @param process the store's name for this process (node id and pid), as leases and history rows carry it
     */
    private Hearth(HearthConfig config, Hardware hardware, DataDirLock dataDirLock, JobStore store, BlobStore blobStore,
                   String process) {
        this.config = config;
        this.dataDirLock = dataDirLock;
        ServerConfig s = config.server();
        List<Hardware.Gpu> gpus = hardware.gpus(); // one nvidia-smi run serves the budget and the footprints
        List<Device> devices = Devices.of(s, hardware, gpus, config.models().values());
        Leftovers.reap(s.dataDir(), Path.of("/proc"));
        Engines factory = new Engines(s.dataDir());
        this.scheduler = new Scheduler(config, devices, factory::create, Clock.systemUTC(), Duration.ofSeconds(1),
                hardware.footprints(gpus)::of, MEASURE_EVERY);
        Metrics metrics = new Metrics(ModelMetrics.gauges(scheduler::status), ModelMetrics.STATES,
                scheduler::usedBytes, scheduler::budgetBytes);
        // several nodes on one PostgreSQL: the job store's node is this process (node id and pid), and
        // job events reach the other nodes by NOTIFY
        PostgresEventBus shared = store instanceof PostgresJobStore pg
                ? new PostgresEventBus(s.database(), pg.dataSource(), config.cluster().nodeId()) : null;
        this.sharedDb = shared == null ? null : ((PostgresJobStore) store).dataSource();
        this.process = process;
        this.devices = devices;
        // the scheduler's model events go onto the one bus; metrics, the log and /api/events listen there
        EventBus events = shared != null ? shared : new LocalEventBus();
        this.bus = shared;
        scheduler.addListener(e -> events.publish(ModelEvent.TOPIC, e.model(), e));
        scheduler.addListener(e -> { if (e.type() == ModelEvent.Type.UNLOADING) stopping(scheduler.engine(e.model())); });
        events.subscribe(ModelEvent.TOPIC, null, ModelMetrics.feed(metrics));
        events.subscribe(ModelEvent.TOPIC, null, Hearth::log);
        Catalog catalog = new Catalog(config);
        Path blobs = config.cluster().blobs(s.dataDir()); // inputs and outputs: shared by the nodes, or the data dir
        Inputs inputs = new Inputs(blobs, MediaLimits.defaults().withAllowedDirs(config.media().allowedPaths()));
        this.jobs = new JobCore(config, catalog, scheduler, store, inputs, new Outputs(blobs), blobStore,
                events, Clock.systemUTC());
        if (shared != null) {
            shared.relay(Job.TOPIC, store::get);
            shared.carryModelEvents();
        }
        this.catalog = catalog;
        SseWriter sse = new SseWriter();
        PeerForward peers = new PeerForward();
        this.peers = peers;
        OpenAiRoutes openAi = new OpenAiRoutes(catalog, scheduler, metrics, inputs, jobs.audio(), peers);
        this.openAi = openAi;
        JobRoutes jobRoutes = new JobRoutes(jobs, sse, jobs.audio(), peers);
        EventsRoute eventsRoute = new EventsRoute(events, jobs, sse);
        AdminRoutes admin = new AdminRoutes(catalog, scheduler, metrics, hardware, this::logs, version());
        this.nodesRoute = new NodesRoute(catalog, scheduler, this::advertised, version(), config.cluster().nodeId());
        LightX2vRoutes lightx2v = new LightX2vRoutes(jobs, catalog, inputs);
        VideosDgxRoutes videosDgx = new VideosDgxRoutes(jobs, catalog, scheduler);
        DocsRoutes docs = new DocsRoutes();
        WebUi ui = new WebUi();
        OpenAiVideoRoutes videos = new OpenAiVideoRoutes(jobs, catalog, inputs, s.retention());
        this.gateway = new Gateway(ApiKeys.load(s.apiKeysFile()), sse, r -> {
            openAi.register(r);
            jobRoutes.register(r);
            lightx2v.register(r);
            videosDgx.register(r);
            videos.register(r);
            admin.register(r);
            nodesRoute.register(r);
            eventsRoute.register(r);
            docs.register(r);
            ui.register(r);
        });
        var server = WebServer.builder()
                .host(s.host())
                .port(s.port())
                // a recording to transcribe may be large; every other body is capped lower (Routes.body)
                .maxPayloadSize(Math.max(Routes.MAX_BODY_BYTES, config.media().maxAudioBytes() + 1024 * 1024))
                // a stream is many small writes: send each token now, not when the last one is acked
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .shutdownHook(false) // Hearth stops its engines first; see close()
                .directHandlers(Gateway::directHandlers)
                // HTTP/1.1 and 1.0 on a platform thread per connection (Http1Front), in place of Helidon's own
                .protocolsDiscoverServices(false)
                .addConnectionSelector(new Http1Front())
                .routing(gateway::routing);
        // a video model's own port serves its VideosDGX API at "/", as its container did
        for (ModelSpec m : catalog.byTask(Task.VIDEO)) {
            if (m.port() != null) {
                server.putSocket(socketName(m.name()), l -> l.host(s.host()).port(m.port())
                        .protocolsDiscoverServices(false)
                        .addConnectionSelector(new Http1Front())
                        .routing(r -> gateway.socketRouting(r, routes -> videosDgx.registerModel(routes, "", m.name()))));
            }
        }
        this.server = server.build();
    }

    private static String socketName(String model) {
        return "model:" + model;
    }

    /** The port a video model's own socket listens on, when it has one ({@code port:} in its entry). */
    public java.util.OptionalInt modelPort(String model) {
        ModelSpec m = config.models().get(model);
        return m == null || m.port() == null || m.task() != Task.VIDEO
                ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(server.port(socketName(model)));
    }

    /**
     * Starts Hearth and returns once it listens.
     *
     * @throws StartupException before anything starts, when a port is in use or another Hearth holds the data dir
     */
    public static Hearth start(HearthConfig config) {
        return start(config, Hardware.system());
    }

    public static Hearth start(HearthConfig config, Hardware hardware) {
        ServerConfig s = config.server();
        Ports.ensureFree(s.host(), s.port(), "set HEARTH_LISTEN or --listen (or server.listen in hearth.yaml)");
        for (ModelSpec m : config.models().values()) {
            if (m.port() != null && m.task() == Task.VIDEO) {
                Ports.ensureFree(s.host(), m.port(), "change models." + m.name() + ".port");
            }
        }
        // before Leftovers.reap: holding the lock proves that no live Hearth owns the engines it finds
        DataDirLock lock = DataDirLock.acquire(s.dataDir());
        // The job store (SQLite's native library, Flyway's migrations) opens on its own thread while
        // this one wires the rest and starts listening: /health need not wait for it, a job route does.
        // Several nodes open PostgreSQL here, before wiring: their membership and events need its pool.
        String process = config.cluster().nodeId() + "-" + ProcessHandle.current().pid();
        JobStore store;
        try {
            store = config.cluster().shared() ? JobStores.open(s.database(), s.dataDir(), process)
                    : OpeningJobStore.open(s.database(), s.dataDir(), process);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        BlobStore blobs;
        try {
            blobs = blobStore(config, config.cluster().blobs(s.dataDir()));
        } catch (RuntimeException e) {
            store.close();
            lock.close();
            throw e instanceof IllegalStateException ? new StartupException(e.getMessage()) : e;
        }
        Hearth hearth;
        try {
            hearth = new Hearth(config, hardware, lock, store, blobs, process);
        } catch (RuntimeException e) {
            blobs.close();
            store.close();
            lock.close();
            throw e;
        }
        try {
            hearth.server.start();
            if (!hearth.server.isRunning() || hearth.server.port() <= 0) {
                // another process took the port between the check and the bind
                throw new StartupException(s.host() + ":" + s.port() + " is in use; set HEARTH_LISTEN or --listen");
            }
            hearth.join(); // several nodes: known to the others before its dispatchers claim anything
            hearth.jobs.start();
        } catch (RuntimeException e) {
            hearth.close();
            throw e;
        }
        lock.announce(hearth.baseUri());
        LOG.log(Level.INFO, "Hearth {0} listening on {1} — memory budget {2}, {3} models",
                version(), hearth.baseUri(), Sizes.human(hearth.scheduler.budgetBytes()), config.models().size());
        return hearth;
    }

    /**
     * Several nodes: listens for the others' job events, writes this node's row and heart-beats, and
     * tells the dispatchers and the OpenAI routes where each model is loaded.
     */
    private void join() {
        if (bus == null) return;
        bus.start();
        String devicesJson;
        try {
            devicesJson = Json.MAPPER.writeValueAsString(devices);
        } catch (java.io.IOException e) {
            devicesJson = "[]";
        }
        String finalDevices = devicesJson;
        Nodes nodes = new Nodes(sharedDb, new Nodes.Self(config.cluster().nodeId(), advertised(), version(), process,
                () -> finalDevices, () -> NodesRoute.modelsHere(scheduler, catalog)), Clock.systemUTC()).start();
        this.cluster = new Cluster(nodes, bus);
        jobs.peers(cluster.peers());
        peers.cluster(cluster);
        nodesRoute.cluster(cluster);
        openAi.shareResponses(sharedDb);
        LOG.log(Level.INFO, "node {0} joined {1} other node(s) on the shared database", config.cluster().nodeId(),
                nodes.peers().size());
    }

    /** Where the other nodes reach this one: server.advertise_url, else the address it listens on. */
    private URI advertised() {
        if (config.cluster().advertiseUrl() != null) return config.cluster().advertiseUrl();
        String host = config.server().host();
        if (!host.equals("0.0.0.0") && !host.equals("::")) return baseUri();
        try {
            return URI.create("http://" + java.net.InetAddress.getLocalHost().getHostName() + ":" + port());
        } catch (java.net.UnknownHostException e) {
            return URI.create("http://localhost:" + port());
        }
    }

    public int port() { return server.port(); }

    public URI baseUri() {
        String host = config.server().host();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public Scheduler scheduler() { return scheduler; }

    public JobService jobs() { return jobs; }

    /** Stops taking requests, then stops every engine and waits for their processes to end. */
    @Override
    public void close() {
        if (cluster != null) cluster.close(); // the others stop routing here at once
        else if (bus != null) bus.close();
        gateway.close();
        server.stop();
        jobs.stopClaiming();   // so the jobs the scheduler's close interrupts are queued again, not restarted
        scheduler.close();
        jobs.close();
        dataDirLock.close();
    }

    /** The shared directory (or the data dir), or the bucket: checked now, so a wrong one stops the start. */
    private static BlobStore blobStore(HearthConfig config, Path local) {
        ClusterConfig.Bucket b = config.cluster().bucket();
        if (b == null) return new DirBlobStore(local);
        S3BlobStore s3 = new S3BlobStore(local, new S3BlobStore.Location(b.bucket(), b.prefix(), b.endpoint(), b.region()));
        try {
            s3.check();
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        LOG.log(Level.INFO, "job inputs and outputs are kept in {0}", s3.describe());
        return s3;
    }

    /** Before an engine is stopped the gateway lets go of its idle connections to it, which llama-server waits on. */
    private static void stopping(Engine engine) {
        if (engine != null && engine.endpoint() instanceof Endpoint.Http http) Proxy.engineStopping(http.baseUrl());
    }

    /** One line per model event, so the server log tells what was loaded, unloaded and why. */
    private static void log(ModelEvent e) {
        Level level = switch (e.type()) {
            case LOAD_FAILED, CRASHED -> Level.WARNING;
            default -> Level.INFO;
        };
        StringBuilder line = new StringBuilder("model ").append(e.model()).append(": ").append(e.type().wire());
        if (e.reason() != null) {
            line.append(" (").append(e.reason().wire()).append(')');
        }
        if (e.detail() != null) {
            line.append(" — ").append(e.detail());
        }
        LOG.log(level, line.toString());
    }

    static String version() {
        String v = Hearth.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private LogBuffer logs(String model) {
        Engine e = scheduler.engine(model); // the engine of the latest start keeps the logs
        return e == null ? null : e.logs();
    }
}

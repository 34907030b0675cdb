package dev.hearth.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ValuesTest {

    @Test
    void duration_readsEveryUnit_andPlainNumbersAsSeconds() {
        assertThat(Values.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.duration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Values.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Values.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Values.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Values.duration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Values.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Values.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(Values.duration(" 10 M ")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void duration_refusesText_whenNotANumberWithAUnit() {
        assertThat(Values.duration("soon")).isNull();
        assertThat(Values.duration("-5s")).isNull();
        assertThat(Values.duration("5w")).isNull();
        assertThat(Values.duration("1h30m")).isNull();
        assertThat(Values.duration("99999999999999999999d")).isNull();
    }

    @Test
    void size_readsBinaryAndDecimalUnits_andPlainBytes() {
        assertThat(Values.size("40GiB")).isEqualTo(40L << 30);
        assertThat(Values.size("512MiB")).isEqualTo(512L << 20);
        assertThat(Values.size("1.5GB")).isEqualTo(1_500_000_000L);
        assertThat(Values.size("800MB")).isEqualTo(800_000_000L);
        assertThat(Values.size("64KiB")).isEqualTo(65_536L);
        assertThat(Values.size("2TiB")).isEqualTo(2L << 40);
        assertThat(Values.size("1234")).isEqualTo(1234L);
        assertThat(Values.size("1234B")).isEqualTo(1234L);
        assertThat(Values.size("16 gib")).isEqualTo(16L << 30);
    }

    @Test
    void size_refusesText_whenNotASize() {
        assertThat(Values.size("lots")).isNull();
        assertThat(Values.size("40G")).isNull();
        assertThat(Values.size("-1GiB")).isNull();
        assertThat(Values.size("99999999TiB")).isNull();
    }

    @Test
    void listen_readsHostPort_portOnly_andBracketedIpv6() {
        assertThat(Values.listen("0.0.0.0:9000")).isEqualTo(new Values.Listen("0.0.0.0", 9000));
        assertThat(Values.listen(":9000")).isEqualTo(new Values.Listen("127.0.0.1", 9000));
        assertThat(Values.listen("9000")).isEqualTo(new Values.Listen("127.0.0.1", 9000));
        assertThat(Values.listen("[::1]:9000")).isEqualTo(new Values.Listen("::1", 9000));
        assertThat(Values.listen("localhost:0")).isEqualTo(new Values.Listen("localhost", 0));
        assertThat(Values.listen("host")).isNull();
        assertThat(Values.listen("host:70000")).isNull();
    }

    @Test
    void listen_isLoopback_onlyForLoopbackAddresses() {
        assertThat(Values.listen("127.0.0.1:1").loopback()).isTrue();
        assertThat(Values.listen("127.1.2.3:1").loopback()).isTrue();
        assertThat(Values.listen("localhost:1").loopback()).isTrue();
        assertThat(Values.listen("[::1]:1").loopback()).isTrue();
        assertThat(Values.listen("0.0.0.0:1").loopback()).isFalse();
        assertThat(Values.listen("192.168.1.5:1").loopback()).isFalse();
        assertThat(Values.listen("[::]:1").loopback()).isFalse();
    }

    @Test
    void bool_acceptsYamlSpellings() {
        assertThat(Values.bool("true")).isTrue();
        assertThat(Values.bool("Yes")).isTrue();
        assertThat(Values.bool("1")).isTrue();
        assertThat(Values.bool("off")).isFalse();
        assertThat(Values.bool("maybe")).isNull();
    }

    @Test
    void suggest_findsTypos_butNotUnrelatedWords() {
        assertThat(Suggest.closest("idle_unlod", ServerSection.KEYS)).isEqualTo("idle_unload");
        assertThat(Suggest.closest("lisetn", ServerSection.KEYS)).isEqualTo("listen");
        assertThat(Suggest.closest("colour", ServerSection.KEYS)).isNull();
    }
}

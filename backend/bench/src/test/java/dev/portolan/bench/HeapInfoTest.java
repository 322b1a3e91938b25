package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code jcmd PID GC.heap_info} as JDK 25 (and JDK 17) print it for each collector (captured). */
class HeapInfoTest {
  private static final String METASPACE =
      """
      Metaspace       used 9132K, committed 9344K, reserved 1114112K
       class space    used 1095K, committed 1216K, reserved 1048576K
      """;

  @Test
  void g1IsOneHeap() {
    String info =
        """
        12345:
        garbage-first heap   total reserved 1048576K, committed 389120K, used 211962K [0x00000000c0000000, 0x0000000100000000)
         region size 1024K, 6 young (6144K), 4 survivors (4096K)
        """
            + METASPACE;
    assertEquals(211_962, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void parallelAddsOldToYoung() {
    String info =
        """
        23589:
        PSYoungGen      total 113152K, used 50788K [0x00000000eab00000, 0x00000000f8800000, 0x0000000100000000)
         eden space 97280K, 36% used [0x00000000eab00000,0x00000000ecdb50e8,0x00000000f0a00000)
         from space 15872K, 96% used [0x00000000f0a00000,0x00000000f18e4120,0x00000000f1980000)
         to   space 15872K, 0% used [0x00000000f7880000,0x00000000f7880000,0x00000000f8800000)
        ParOldGen       total 258048K, used 58519K [0x00000000c0000000, 0x00000000cfc00000, 0x00000000eab00000)
         object space 258048K, 22% used [0x00000000c0000000,0x00000000c3925e38,0x00000000cfc00000)
        """;
    assertEquals(50_788 + 58_519, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void serialAddsTenuredToNew() {
    String info =
        """
        12345:
        DefNew     total 116160K, used 43580K [0x00000000c0000000, 0x00000000c7e00000, 0x00000000d5550000)
         eden space 103296K,  29% used [0x00000000c0000000, 0x00000000c1dff038, 0x00000000c64e0000)
         from space 12864K, 100% used [0x00000000c7170000, 0x00000000c7e00000, 0x00000000c7e00000)
         to   space 12864K,   0% used [0x00000000c64e0000, 0x00000000c64e0000, 0x00000000c7170000)
        Tenured    total 258048K, used 66004K [0x00000000d5550000, 0x00000000e5150000, 0x0000000100000000)
         the  space 258048K,  25% used [0x00000000d5550000, 0x00000000d95c52f0, 0x00000000e5150000)
        """
            + METASPACE;
    assertEquals(43_580 + 66_004, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void serialOfJdk17IsIndentedByOne() {
    String info =
        """
        12345:
         def new generation   total 116160K, used 32314K [0x00000000c0000000, 0x00000000c7e00000, 0x00000000d5550000)
          eden space 103296K,  18% used [0x00000000c0000000, 0x00000000c12fe9b0, 0x00000000c64e0000)
         tenured generation   total 258048K, used 75471K [0x00000000d5550000, 0x00000000e5150000, 0x0000000100000000)
           the space 258048K,  29% used [0x00000000d5550000, 0x00000000d9f03d48, 0x00000000d9f03e00, 0x00000000e5150000)
         Metaspace       used 9102K, committed 9344K, reserved 1114112K
          class space    used 1094K, committed 1216K, reserved 1048576K
        """;
    assertEquals(32_314 + 75_471, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void zgcInMegabytes() {
    String info =
        """
        12345:
        ZHeap            used 170M, capacity 378M, max capacity 1024M
         Cache           208M (3)
          size classes   2M (1), 16M (1), 128M (1)
        """
            + METASPACE;
    assertEquals(170 * 1024, PortolanProcess.heapUsedKib(info));
  }

  @Test
  void noHeapLine() {
    assertEquals(-1, PortolanProcess.heapUsedKib("12345:\n" + METASPACE));
  }
}

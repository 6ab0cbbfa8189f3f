/* A stand-in for bcryptprimitives.dll, which Wine 8.0 lacks: Go 1.26's
 * Windows runtime calls ProcessPrng from it at start. Only for running the
 * Windows build under Wine in tests; real Windows (10 and later) has the DLL.
 * RtlGenRandom (exported as SystemFunction036 by advapi32) gives the bytes. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
